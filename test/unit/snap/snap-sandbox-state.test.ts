import { generateKeyPairSync, randomInt } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Clock } from '../../../src/main/ports/clock'
import { signAccessToken, signServiceSymmetric } from '../../../src/main/providers/snap/signatures'
import { formatSnapTimestamp } from '../../../src/main/providers/snap/timestamp'
import { SNAP_SANDBOX_BALANCE_INQUIRY_PATH, SNAP_SANDBOX_TOKEN_PATH, startSnapSandbox, type SnapSandbox, type SnapSandboxOptions } from '../../../src/main/sandbox/snap/snap-sandbox'
import { expectRejectedTekenError } from '../../support/teken-error'

const partner = { clientId: 'TEKEN-STATE-CLIENT', partnerId: 'TEKEN-STATE-PARTNER', clientSecret: 'rahasia-klien-state-7d2e' }
const partnerKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
const BODY = JSON.stringify({ partnerReferenceNo: '2020102900000000000001', accountNo: '7382382957893840' })

function testClock(start: string): Clock & { advance(ms: number): void } {
  let now = new Date(start).getTime()
  return { now: () => new Date(now), advance: (ms) => void (now += ms) }
}

describe('SNAP sandbox state on disk', () => {
  let stateDir: string
  const clock = testClock('2026-03-02T03:00:00Z')
  const running: SnapSandbox[] = []

  /** A sandbox on `stateDir` with the partner registered, as the host does at every start. */
  async function start(options: SnapSandboxOptions = {}, register = true): Promise<SnapSandbox> {
    const sandbox = await startSnapSandbox({ clock, stateDir, ...options })
    running.push(sandbox)
    if (register) sandbox.registerPartner({ clientId: partner.clientId, publicKeyPem: partnerKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(), clientSecret: partner.clientSecret, partnerId: partner.partnerId })
    return sandbox
  }

  async function stop(sandbox: SnapSandbox): Promise<void> {
    running.splice(running.indexOf(sandbox), 1)
    await sandbox.close()
  }

  async function issueToken(sandbox: SnapSandbox): Promise<string> {
    const timestamp = formatSnapTimestamp(clock.now())
    const { signature } = signAccessToken({ clientId: partner.clientId, timestamp, privateKey: partnerKey.privateKey })
    const response = await fetch(`${sandbox.url}${SNAP_SANDBOX_TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-TIMESTAMP': timestamp, 'X-CLIENT-KEY': partner.clientId, 'X-SIGNATURE': signature },
      body: JSON.stringify({ grantType: 'client_credentials' }),
    })
    const json = (await response.json()) as { responseCode: string; accessToken: string }
    expect(json.responseCode).toBe('2007300')
    return json.accessToken
  }

  /** A balance inquiry with `accessToken`: its responseCode. */
  async function inquiry(sandbox: SnapSandbox, accessToken: string): Promise<string> {
    const timestamp = formatSnapTimestamp(clock.now())
    const { signature } = signServiceSymmetric({ method: 'POST', path: SNAP_SANDBOX_BALANCE_INQUIRY_PATH, includeQuery: false, body: BODY, timestamp, encoding: 'base64', accessToken, clientSecret: partner.clientSecret })
    const response = await fetch(`${sandbox.url}${SNAP_SANDBOX_BALANCE_INQUIRY_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${accessToken}`,
        'X-TIMESTAMP': timestamp,
        'X-SIGNATURE': signature,
        'X-PARTNER-ID': partner.partnerId,
        'X-EXTERNAL-ID': String(randomInt(1e9, 1e10)),
        'CHANNEL-ID': '95221',
      },
      body: BODY,
    })
    return ((await response.json()) as { responseCode: string }).responseCode
  }

  const storedTokens = async () => (JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as { tokens: { accessToken: string; clientId: string; expiresAt: string }[] }).tokens

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'teken-snap-state-'))
  })
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sandbox) => sandbox.close()))
    await rm(stateDir, { recursive: true, force: true })
  })

  it('accepts, after a restart on the same state folder, a token the sandbox issued before it', async () => {
    const before = await start()
    const token = await issueToken(before)
    expect(await inquiry(before, token)).toBe('2001100')
    await stop(before)

    const after = await start()
    expect(await inquiry(after, token)).toBe('2001100')
    // What is on disk: the token, whom it is for and until when; never the partner's client secret or key.
    const text = await readFile(join(stateDir, 'state.json'), 'utf8')
    expect(JSON.parse(text)).toEqual({ version: 1, tokens: [{ accessToken: token, clientId: partner.clientId, expiresAt: new Date(clock.now().getTime() + 900_000).toISOString() }] })
    expect(text).not.toContain(partner.clientSecret)
    expect(text).not.toContain('PUBLIC KEY')
  })

  it('forgets its tokens on a restart without a state folder, as before', async () => {
    const before = await start({ stateDir: undefined })
    const token = await issueToken(before)
    await stop(before)
    const after = await start({ stateDir: undefined })
    expect(await inquiry(after, token)).toBe('4011101')
  })

  it('drops expired tokens when it saves, and an expired token stays refused after a restart', async () => {
    const sandbox = await start({ tokenLifetimeSeconds: 60 })
    const old = await issueToken(sandbox)
    clock.advance(61_000)
    const fresh = await issueToken(sandbox)
    expect((await storedTokens()).map((stored) => stored.accessToken)).toEqual([fresh])
    await stop(sandbox)

    const after = await start({ tokenLifetimeSeconds: 60 })
    expect(await inquiry(after, old)).toBe('4011101')
    expect(await inquiry(after, fresh)).toBe('2001100')
  })

  it('keeps a revocation: revoked tokens stay refused after a restart', async () => {
    const sandbox = await start()
    const token = await issueToken(sandbox)
    await sandbox.revokeTokens()
    expect(await storedTokens()).toEqual([])
    await stop(sandbox)
    expect(await inquiry(await start(), token)).toBe('4011101')
  })

  it('refuses a stored token whose partner has not been registered since the restart, without failing', async () => {
    const first = await start()
    const token = await issueToken(first)
    await stop(first)
    const unregistered = await start({}, false)
    expect(await inquiry(unregistered, token)).toBe('4011100')
  })

  it('refuses to start on a state file that is not its own, says which, and leaves it as it was', async () => {
    for (const text of ['{"version":1,"tokens":[', '{"version":2,"tokens":[]}', '{"version":1,"tokens":[{"accessToken":"x"}]}']) {
      await writeFile(join(stateDir, 'state.json'), text)
      await expectRejectedTekenError(startSnapSandbox({ clock, stateDir }), 'SANDBOX_STATE_INVALID', new RegExp(`${join(stateDir, 'state.json')} is not a state file of the embedded SNAP sandbox; fix it, or move it aside`))
      expect(await readFile(join(stateDir, 'state.json'), 'utf8')).toBe(text)
    }
  })
})
