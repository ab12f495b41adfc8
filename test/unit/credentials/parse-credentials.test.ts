import { describe, expect, it } from 'vitest'
import { maskSecret, parseCredentials } from '../../../src/main/credentials'

describe('parseCredentials', () => {
  it('flattens a JSON object to dotted names, keeping unicode and showing every value', () => {
    const text = JSON.stringify({
      client_id: 'ovo-partner-42',
      client_secret: 'Zm9v/+=',
      merchant: { name: 'Toko Čokelat — 東京 🍫', limits: { daily: 5_000_000, enabled: true }, parent: null },
      scopes: ['payment', 'refund'],
      extra: {},
    })
    expect(parseCredentials(`\uFEFF${text}\n`)).toEqual({
      format: 'json',
      fields: [
        { name: 'client_id', value: 'ovo-partner-42' },
        { name: 'client_secret', value: 'Zm9v/+=' },
        { name: 'merchant.name', value: 'Toko Čokelat — 東京 🍫' },
        { name: 'merchant.limits.daily', value: '5000000' },
        { name: 'merchant.limits.enabled', value: 'true' },
        { name: 'merchant.parent', value: 'null' },
        { name: 'scopes.0', value: 'payment' },
        { name: 'scopes.1', value: 'refund' },
        { name: 'extra', value: '{}' },
      ],
    })
  })

  it('reads key=value and key: value lines, splitting at the first separator only', () => {
    const text = 'CLIENT_ID=ovo-partner-42\r\nCLIENT_SECRET = Zm9vYmFy==\n\nApp Key: https://api.ovo.id:443/v1\nmerchant.name: Toko Čokelat\n'
    expect(parseCredentials(text)).toEqual({
      format: 'key-value',
      fields: [
        { name: 'CLIENT_ID', value: 'ovo-partner-42' },
        { name: 'CLIENT_SECRET', value: 'Zm9vYmFy==' },
        { name: 'App Key', value: 'https://api.ovo.id:443/v1' },
        { name: 'merchant.name', value: 'Toko Čokelat' },
      ],
    })
  })

  it('falls back to numbered lines when not every line is key-value', () => {
    expect(parseCredentials('ovo-partner-42\r\n\nhttps://api.ovo.id/v1\nsecret=abc\n')).toEqual({
      format: 'lines',
      fields: [
        { name: 'line 1', value: 'ovo-partner-42' },
        { name: 'line 2', value: 'https://api.ovo.id/v1' },
        { name: 'line 3', value: 'secret=abc' },
      ],
    })
  })

  it('does not take base64 padding or a URL scheme for a separator', () => {
    expect(parseCredentials('Zm9vYmFy==\nYmF6cXV4\n').format).toBe('lines')
    expect(parseCredentials('https://api.ovo.id/v1\nhttps://sandbox.ovo.id/v1\n').format).toBe('lines')
    expect(parseCredentials('secret==abc\nurl: https://api.ovo.id\n').format).toBe('lines')
    expect(parseCredentials('secret=abc==\nurl: https://api.ovo.id\n').fields).toEqual([
      { name: 'secret', value: 'abc==' },
      { name: 'url', value: 'https://api.ovo.id' },
    ])
  })

  it('treats JSON that is not an object, and broken JSON, as lines', () => {
    expect(parseCredentials('["a","b"]')).toEqual({ format: 'lines', fields: [{ name: 'line 1', value: '["a","b"]' }] })
    expect(parseCredentials('{"client_id": "x",\n')).toEqual({
      format: 'lines',
      fields: [{ name: 'line 1', value: '{"client_id": "x",' }],
    })
  })

  it('gives no fields for empty or blank text', () => {
    expect(parseCredentials('')).toEqual({ format: 'lines', fields: [] })
    expect(parseCredentials('\n \r\n')).toEqual({ format: 'lines', fields: [] })
  })
})

describe('maskSecret', () => {
  it('hides short values entirely and long ones but for two characters at each end, without giving the length', () => {
    expect(maskSecret('')).toBe('')
    expect(maskSecret('abc')).toBe('••••••••')
    expect(maskSecret('abcdefghijklmno')).toBe('••••••••')
    expect(maskSecret('abcdefghijklmnop')).toBe('ab••••••••op')
    expect(maskSecret('Zm9vYmFyYmF6cXV4L2Zvb2Jhcg==')).toBe('Zm••••••••==')
  })

  it('counts characters, not UTF-16 units, so it never splits an emoji', () => {
    expect(maskSecret('🍫🍫-rahasia-sekali-東京')).toBe('🍫🍫••••••••東京')
  })
})
