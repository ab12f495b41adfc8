import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MYVALUE_SIGNATURE_ASSUMPTION, signMyValuePayload } from '../../../src/main/providers/myvalue/payload-signature'
import { MYVALUE_ENVIRONMENTS, myValueBaseUrls, MyValueProfileSchema } from '../../../src/main/providers/myvalue/profile'
import { openssl } from '../../support/openssl'

/** `openssl dgst` prints "HMAC-SHA2-256(file)= <hex>" or "SHA2-256(file)= <hex>"; the hex is the last word. */
const digestHex = (output: Buffer) => output.toString('utf8').trim().split(' ').at(-1)

describe('MyValue payload signature (seed 004, assumed construction)', () => {
  let work: string
  const secret = 'mv-client-secret-Ünïcode 123'
  const bodies = [
    '{"partner_id":"P-1","amount":10000}',
    '{ "name": "Budi Santoso", "note": "spaces  inside\\"quotes\\"", "url": "https:\\/\\/example.id\\/a" }\n',
    '{"kota":"Yogyakarta","catatan":"pembayaran — lunas ✓"}',
    '',
  ]

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-myvalue-'))
  })
  afterAll(() => rm(work, { recursive: true, force: true }))

  it('hmac-sha256 (the default) equals `openssl dgst -sha256 -hmac SECRET` over the exact body bytes, as lowercase hex', async () => {
    for (const [index, body] of bodies.entries()) {
      const file = join(work, `body-${index}.json`)
      await writeFile(file, body)
      const expected = digestHex(openssl(['dgst', '-sha256', '-hmac', secret, file]))
      const signed = signMyValuePayload(body, secret)
      expect(signed, JSON.stringify(body)).toEqual({ algorithm: 'hmac-sha256', signature: expected, stringToSign: body })
      expect(signed.signature).toMatch(/^[0-9a-f]{64}$/)
      expect(signMyValuePayload(Buffer.from(body), secret, 'hmac-sha256').signature).toBe(expected)
    }
  })

  it('sha256-plain equals `openssl dgst -sha256` over the body followed by the secret, and never shows the secret', async () => {
    for (const [index, body] of bodies.entries()) {
      const file = join(work, `plain-${index}.bin`)
      await writeFile(file, Buffer.concat([Buffer.from(body), Buffer.from(secret)]))
      const signed = signMyValuePayload(body, secret, 'sha256-plain')
      expect(signed.signature).toBe(digestHex(openssl(['dgst', '-sha256', file])))
      expect(signed.stringToSign).toBe(body)
      expect(JSON.stringify(signed)).not.toContain(secret)
    }
  })

  it('signs bytes, not a re-serialisation: one changed space changes the signature', () => {
    expect(signMyValuePayload('{"a":1}', secret).signature).not.toBe(signMyValuePayload('{"a": 1}', secret).signature)
  })

  it('states its assumption for the UI', () => {
    expect(MYVALUE_SIGNATURE_ASSUMPTION).toMatch(/HMAC-SHA256 of the exact request body bytes, keyed with the client secret, as lowercase hex/)
  })
})

describe('MyValue profile', () => {
  const minimal = { clientId: 'partner-1', clientSecretRef: 'myvalue-secret', redirectUrl: 'https://partner.example.id/myvalue/callback' }

  it("defaults to the sandbox, seed 004's URLs and HMAC-SHA256", () => {
    const profile = MyValueProfileSchema.parse(minimal)
    expect(profile).toEqual({ ...minimal, environment: 'sandbox', signatureAlgorithm: 'hmac-sha256', clientIdHeader: 'X-Client-Id', signatureHeader: 'X-Signature' })
    expect(myValueBaseUrls(profile)).toEqual({ externalApiBaseUrl: 'https://external.ovaltech.id/', ssoBaseUrl: 'https://auth.ovaltech.id/' })
    expect(myValueBaseUrls({ ...profile, environment: 'production' })).toEqual(MYVALUE_ENVIRONMENTS.production)
    expect(MYVALUE_ENVIRONMENTS.production.externalApiBaseUrl).toBe('https://external.myvalue.id/')
  })

  it('takes overridden base URLs and the alternative algorithm, and refuses what is not a profile', () => {
    const profile = MyValueProfileSchema.parse({ ...minimal, environment: 'production', ssoBaseUrl: 'https://sso.myvalue.id/', signatureAlgorithm: 'sha256-plain' })
    expect(myValueBaseUrls(profile)).toEqual({ externalApiBaseUrl: 'https://external.myvalue.id/', ssoBaseUrl: 'https://sso.myvalue.id/' })
    expect(profile.signatureAlgorithm).toBe('sha256-plain')
    expect(MyValueProfileSchema.safeParse({ ...minimal, signatureAlgorithm: 'md5' }).success).toBe(false)
    expect(MyValueProfileSchema.safeParse({ ...minimal, redirectUrl: 'javascript:alert(1)' }).success).toBe(false)
    expect(MyValueProfileSchema.safeParse({ ...minimal, clientSecret: 'inline secrets are not accepted' }).success).toBe(false)
  })
})
