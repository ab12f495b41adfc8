import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { channelName, ipcContract, isMethodName, methodNames } from '../../src/shared/contract'
import { ERROR_CODES, IpcErrorSchema } from '../../src/shared/errors'

describe('IPC contract', () => {
  it('gives every channel a zod request and response schema', () => {
    expect(methodNames.length).toBeGreaterThan(0)
    for (const method of methodNames) {
      const spec = ipcContract[method]
      expect(spec.request, method).toBeInstanceOf(z.ZodType)
      expect(spec.response, method).toBeInstanceOf(z.ZodType)
    }
  })

  it('names channels uniquely under the teken: prefix', () => {
    const channels = methodNames.map(channelName)
    expect(new Set(channels).size).toBe(channels.length)
    for (const channel of channels) expect(channel).toMatch(/^teken:[a-zA-Z]+$/)
  })

  it('recognises only its own method names', () => {
    expect(isMethodName('getAppInfo')).toBe(true)
    expect(isMethodName('toString')).toBe(false)
    expect(isMethodName('__proto__')).toBe(false)
  })

  it('rejects extra fields in object requests rather than passing them through', () => {
    expect(ipcContract.updateSettings.request.safeParse({ language: 'en', debug: true }).success).toBe(false)
    expect(ipcContract.openExternalLink.request.safeParse({ url: 'https://x', target: '_self' }).success).toBe(false)
    expect(ipcContract.getAppInfo.request.safeParse({ sneaky: 1 }).success).toBe(false)
  })

  it('carries only known error codes', () => {
    expect(IpcErrorSchema.safeParse({ code: 'INTERNAL', message: 'x' }).success).toBe(true)
    expect(IpcErrorSchema.safeParse({ code: 'NOPE', message: 'x' }).success).toBe(false)
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length)
  })
})
