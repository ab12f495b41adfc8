import { randomBytes } from 'node:crypto'
import { appendFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PeruriSigner } from '../../providers/peruri/protocol'
import { createSandboxCa, issueSignerCertificate, issueTsaCertificate, type IssuedIdentity } from './sandbox-ca'

export interface SandboxUser {
  name: string
  email: string
  phone: string
  nik: string
  systemId: string
  activated: boolean
  ekycPassed: boolean
  /** Base64 PNG or JPEG, drawn in visible signatures. */
  speciment?: string
  identity?: IssuedIdentity
  /** Onboarded through the activation web view (seed 003 §7) rather than the API steps. */
  activatedVia?: 'webview'
}

export interface SandboxOrder {
  orderId: string
  systemId: string
  kind: 'single' | 'tier' | 'system'
  fileName: string
  /** The signer (single, system) or the uploader (tier). */
  email: string
  /** The boxes to sign; for a tier document, the current signer's boxes once given. */
  signers: PeruriSigner[]
  /** Tier documents: the signers' emails in order. */
  tier?: string[]
  signedBy: string[]
  status: 'WAITING' | 'IN_PROGRESS' | 'SIGNED'
  /** How many times the sandbox applied a signature to this order: the exactly-once check. */
  signCount: number
  createdAt: string
  /** Signed through the signing web view (seed 003 §8) rather than the Signing API. */
  signedVia?: 'webview'
}

export interface SandboxOtpMessage {
  identifier: string
  email: string
  phone: string
  otp: string
  orderIds: string[]
  issuedAt: string
  expiresAt: string
}

interface CoreState {
  version: 1
  ca: IssuedIdentity
  /** The sandbox TSA's identity, issued by the same CA. */
  tsa?: IssuedIdentity
  jwtSecret: string
  users: SandboxUser[]
  hashingKeys: Record<string, { key: string; expiresAt: string }>
  bulks: Record<string, string[]>
  nextOrderId: number
  nextBulkId: number
}

/** Signers every new sandbox starts with, fully onboarded, so the first run can sign at once. */
export const SANDBOX_DEMO_SIGNERS = [
  { name: 'Budi Santoso', email: 'budi.santoso@sandbox.teken.id', phone: '081200000001', nik: '3171010101900001' },
  { name: 'Siti Rahmawati', email: 'siti.rahmawati@sandbox.teken.id', phone: '081200000002', nik: '3171014101920002' },
] as const

/**
 * The Peruri sandbox's state on disk: `state.json` (CA, users, keys, counters), one JSON file per
 * order next to its PDFs, and the OTP inbox as JSON lines — so the embedded sandbox keeps its users
 * and documents across app starts, and other processes (`sandbox otp`) can read the inbox.
 * Writes replace files by rename; this is a simulator, so they skip fsync.
 */
export async function openSandboxState(dir: string, now: Date) {
  const ordersDir = join(dir, 'orders')
  await mkdir(ordersDir, { recursive: true, mode: 0o700 })
  const stateFile = join(dir, 'state.json')
  const inboxFile = join(dir, 'otp-inbox.jsonl')

  let core: CoreState
  try {
    core = JSON.parse(await readFile(stateFile, 'utf8')) as CoreState
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    const ca = createSandboxCa(now)
    core = {
      version: 1,
      ca,
      jwtSecret: randomBytes(32).toString('hex'),
      users: SANDBOX_DEMO_SIGNERS.map((signer) => ({ ...signer, systemId: '*', activated: true, ekycPassed: true, identity: issueSignerCertificate(ca, signer, now) })),
      hashingKeys: {},
      bulks: {},
      nextOrderId: 3001,
      nextBulkId: 201,
    }
  }
  core.tsa ??= issueTsaCertificate(core.ca, now)
  const orders = new Map<string, SandboxOrder>()
  for (const name of await readdir(ordersDir)) {
    if (!name.endsWith('.json')) continue
    const order = JSON.parse(await readFile(join(ordersDir, name), 'utf8')) as SandboxOrder
    orders.set(order.orderId, order)
  }

  async function replace(path: string, data: string | Uint8Array): Promise<void> {
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`
    await writeFile(temp, data, { mode: 0o600 })
    await rename(temp, path)
  }

  const saveCore = () => replace(stateFile, JSON.stringify(core))
  await saveCore()

  return {
    core,
    orders,
    saveCore,
    saveOrder: (order: SandboxOrder) => replace(join(ordersDir, `${order.orderId}.json`), JSON.stringify(order)),
    originalPath: (orderId: string) => join(ordersDir, `${orderId}.pdf`),
    signedPath: (orderId: string) => join(ordersDir, `${orderId}.signed.pdf`),
    writeDocument: (path: string, bytes: Uint8Array) => replace(path, bytes),
    appendOtp: (message: SandboxOtpMessage) => appendFile(inboxFile, `${JSON.stringify(message)}\n`, { mode: 0o600 }),
  }
}

export type SandboxState = Awaited<ReturnType<typeof openSandboxState>>

/** The OTP inbox of a sandbox state folder, newest last; for `sandbox otp` and tests in other processes. */
export async function readSandboxOtpInbox(dir: string): Promise<SandboxOtpMessage[]> {
  try {
    const text = await readFile(join(dir, 'otp-inbox.jsonl'), 'utf8')
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SandboxOtpMessage)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}
