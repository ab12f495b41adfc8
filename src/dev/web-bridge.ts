// Browser side of the dev-only web harness: defines `window.teken` over a loopback WebSocket, built
// by the same `createTekenApi` as the Electron preload, so the renderer cannot tell them apart.
import { createTekenApi, type Transport } from '../shared/api'

const TOKEN_KEY = 'teken-harness-token'

function harnessToken(): string {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(null, '', url)
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? ''
}

const token = harnessToken()
const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
let nextId = 1
let socket: Promise<WebSocket> | undefined

function connect(): Promise<WebSocket> {
  socket ??= new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/__teken/ws?token=${encodeURIComponent(token)}`)
    ws.onopen = () => resolve(ws)
    ws.onmessage = (event) => {
      const { id, result } = JSON.parse(String(event.data)) as { id: number; result: unknown }
      pending.get(id)?.resolve(result)
      pending.delete(id)
    }
    ws.onclose = () => {
      socket = undefined
      reject(new Error('the web harness closed the connection'))
      for (const { reject: fail } of pending.values()) fail(new Error('the web harness closed the connection'))
      pending.clear()
    }
  })
  return socket
}

const transport: Transport = async (channel, request) => {
  const ws = await connect()
  const id = nextId++
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject })
    ws.send(JSON.stringify({ id, channel, request }))
  })
}

Object.defineProperty(window, 'teken', { value: createTekenApi(transport), writable: false, configurable: false, enumerable: true })
