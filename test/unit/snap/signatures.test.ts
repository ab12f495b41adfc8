import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceEndpointUrl, signAccessToken, signServiceAsymmetric, signServiceSymmetric, verifyAccessTokenSignature } from '../../../src/main/providers/snap/signatures'
import { formatSnapTimestamp, parseSnapTimestamp, wibDay } from '../../../src/main/providers/snap/timestamp'
import { openssl } from '../../support/openssl'

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

describe('SNAP X-TIMESTAMP', () => {
  it('is yyyy-MM-ddTHH:mm:ss+07:00 in WIB, whatever the machine zone, and parses back to the same instant', () => {
    const instant = new Date('2020-12-18T03:55:00.789Z')
    expect(formatSnapTimestamp(instant)).toBe('2020-12-18T10:55:00+07:00')
    expect(parseSnapTimestamp('2020-12-18T10:55:00+07:00')?.getTime()).toBe(new Date('2020-12-18T03:55:00Z').getTime())
    // 17:00 UTC is already the next day in WIB.
    expect(formatSnapTimestamp(new Date('2024-12-31T17:00:00Z'))).toBe('2025-01-01T00:00:00+07:00')
    expect(wibDay(new Date('2024-12-31T17:00:00Z'))).toBe('2025-01-01')
    expect(formatSnapTimestamp(instant, 'utc-millis')).toBe('2020-12-18T03:55:00.789Z')
  })

  it('accepts the TZD forms SNAP allows and rejects anything else', () => {
    for (const valid of ['2020-12-18T10:55:00+07:00', '2024-03-01T08:27:49.024Z', '2020-12-18T10:55:00-03:30']) expect(parseSnapTimestamp(valid), valid).toBeInstanceOf(Date)
    for (const invalid of ['2020-12-18 10:55:00+07:00', '2020-12-18T10:55:00', '2020-12-18T10:55+07:00', '18-12-2020T10:55:00+07:00', '2020-13-45T10:55:00+07:00', '2020-02-30T10:55:00+07:00', '2020-12-18T24:00:00+07:00', '']) {
      expect(parseSnapTimestamp(invalid), invalid).toBeUndefined()
    }
  })
})

describe('SNAP signatures: known answers from the openssl CLI on generated keys', () => {
  let work: string
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const timestamp = '2020-12-18T10:55:00+07:00'

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'teken-snap-sig-'))
    await writeFile(join(work, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }))
  })
  afterAll(() => rm(work, { recursive: true, force: true }))

  const opensslSign = (text: string) => openssl(['dgst', '-sha256', '-sign', 'key.pem'], { cwd: work, input: text }).toString('base64')
  const opensslHmac = (key: string, text: string) => openssl(['dgst', '-sha512', '-hmac', key, '-binary'], { input: text })
  const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex')

  it('access token: base64 SHA256withRSA over clientId|timestamp equals `openssl dgst -sha256 -sign | base64`', () => {
    const signed = signAccessToken({ clientId: 'MCP00000001', timestamp, privateKey })
    expect(signed.stringToSign).toBe('MCP00000001|2020-12-18T10:55:00+07:00')
    expect(signed.signature).toBe(opensslSign('MCP00000001|2020-12-18T10:55:00+07:00'))
    expect(verifyAccessTokenSignature({ clientId: 'MCP00000001', timestamp, signature: signed.signature, publicKey: createPublicKey(privateKey) })).toBe(true)
    // Any other timestamp bytes, even the same instant written differently, do not verify.
    expect(verifyAccessTokenSignature({ clientId: 'MCP00000001', timestamp: '2020-12-18T03:55:00Z', signature: signed.signature, publicKey: createPublicKey(privateKey) })).toBe(false)
  })

  it('symmetric service signature equals `openssl dgst -sha512 -hmac`, in base64 and in hex', () => {
    const body = '{\n  "partnerReferenceNo": "2020102900000000000001",\n  "note": "spasi  di dalam"\n}'
    const minified = '{"partnerReferenceNo":"2020102900000000000001","note":"spasi  di dalam"}'
    const expectedString = `POST:/api/v1.0/balance-inquiry:token-abc:${sha256Hex(minified)}:${timestamp}`
    const base = { method: 'post', path: '/api/v1.0/balance-inquiry', includeQuery: false, body, timestamp, accessToken: 'token-abc', clientSecret: 'rahasia klien' }
    const base64 = signServiceSymmetric({ ...base, encoding: 'base64' })
    expect(base64.minifiedBody).toBe(minified)
    expect(base64.bodySha256).toBe(sha256Hex(minified))
    expect(base64.stringToSign).toBe(expectedString)
    expect(base64.signature).toBe(opensslHmac('rahasia klien', expectedString).toString('base64'))
    expect(signServiceSymmetric({ ...base, encoding: 'hex' }).signature).toBe(opensslHmac('rahasia klien', expectedString).toString('hex'))
  })

  it('asymmetric service signature equals openssl over METHOD:EndpointUrl:bodyHash:timestamp (no token)', () => {
    const signed = signServiceAsymmetric({ method: 'POST', path: '/v1.0/transfer-va/inquiry', includeQuery: false, body: '{ "virtualAccountNo" : "  0812 3456" }', timestamp, encoding: 'base64', privateKey })
    const expectedString = `POST:/v1.0/transfer-va/inquiry:${sha256Hex('{"virtualAccountNo":"  0812 3456"}')}:${timestamp}`
    expect(signed.stringToSign).toBe(expectedString)
    expect(signed.signature).toBe(opensslSign(expectedString))
  })

  it('hashes the empty string for an empty body, and signs the query string only when asked', () => {
    const base = { method: 'GET', path: '/v1.0/status?id=42&x=%20', body: '', timestamp, accessToken: 't', clientSecret: 's', encoding: 'base64' as const }
    const withoutQuery = signServiceSymmetric({ ...base, includeQuery: false })
    expect(withoutQuery.bodySha256).toBe(EMPTY_SHA256)
    expect(withoutQuery.stringToSign).toBe(`GET:/v1.0/status:t:${EMPTY_SHA256}:${timestamp}`)
    expect(signServiceSymmetric({ ...base, includeQuery: true }).stringToSign).toBe(`GET:/v1.0/status?id=42&x=%20:t:${EMPTY_SHA256}:${timestamp}`)
    expect(serviceEndpointUrl('/a/b?c', false)).toBe('/a/b')
  })
})

/**
 * Seed 001 (Ifortepay) prints an example RSA-2048 PKCS#8 key pair and an example request for client
 * MCP00000001 at 2020-12-18T10:55:00+07:00. Its example X-SIGNATURE was not made with that key, so
 * the known answer here is openssl's signature with the example key, not the document's.
 */
describe('SNAP signatures: seed 001 example key pair', () => {
  const seedPrivateKey = createPrivateKey({ key: Buffer.from('MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDOfmGb5tlo2q+xg0OhaEg9yzREKYPhl70/6Cktfw6ljpLzyR/DZ9/qEP9J1wAMn+FSo/dXj7p82uerlnyeJRmS30R5dFLcTD6js3PwRPyTuu+JxmUHQgLagD2iT2aW0+E/QiSptcHA3cEe42G9GBizpGop3nGk585gw37qmCSbFHoYzp0qkABQvXUKPYs130nauTB2W0kg/Ylt2uJAmodgCTfTwyWP3DEtrRz9K+Ue9WEAg8U7M30unyYV76HIC3fdjPZ4SpxwM8yr9rGuvJhKErWnYk5T+yPrBdAgiwdeESsTm+fXpaBXx8dWKHmgRUF5QmE4udKIopIxN2dH9+qnAgMBAAECggEAWDE9Eh9l8rUX/dpgy7KkzBOaVpRemb67muxWjfJquIXsuIdJdCVMyoUI66oSgNHWI/wYu0KNNR8vfCcRQV/6DLMj5TWr4CAGTtdpqJBmSdg4z2C3LILighzsdgKwf7Gtzd07mGoi/vMXNNCLoX4FqtAJcalqYzKH/+bvMVXaqIqxMV/qrQ5LA/AQAoSGFuu8vQaQUeNadowOgq9Qs8t/ff6mrur2M5R2RAiMlYdMY0Yb42LTFVtHLFX0HU2WP4ItF3aoBj3e/8HL2sHJf6mAuY8Zd2pMgeh2AGMwgoA5Rn0hY7s3JqNuWgevNlnMUtx88oBNv2ayCYNLr6dGsn2zNQKBgQDaFaQJKAub6dSbymrCq0Z37R0YyjGiZly8RoOhWJW5WY/u8PfGJY0lN6YpqgteoNQ7+J0ZD8zqsrJr8nh5ZIX005V/WiknfsxUvnZd1P9SVcHd5Zfh+gtBnTkSvH5GggzMBo0auK0qvqldhLENk48J2G8+aFtqHK0aU478OGf9dQKBgQDyZNzKkyuBq+kZwnWadJWO28I1rSBCfqmXEkd+/0scmlXPe1fYLG9TAJjVAVFIgoYtuDXanZpcZf3Vx6SLS/+yR/cA6DdZm+62nRkMjJH+4D8geMkFIff4SHTvWVCdJagZS8jQGEG0cxNq7dwq9NaFx9Ih2gu0xAWzUv8PKzv4KwKBgCfvaI9ort+JLS6uHWiydoAFgpuEgxxLBFZRz07fauN7HBlUNPsq6zLSgvIEOnrElri4qQPq2cpsmLGdwCPynXkcubaNaxXZaU9nZUN/epW4MH0SywJNiHwmb0oYDEObEv7VgEdRZBx8t4TxhH6I89uIr65M69h9kdFNVdSn+5r1AoGBAInU1L/UI78ek/Pz4Y+sj4ama669/UQSZjjjSghq/rkLAZRznKXtzneyNTWaBDBpGAdTYjwntiioTkiLt4MF+iXUSh4X7bFku77XYfEC1dnKhdrfE995S1nBScz4SqCxUv7fWxcJVANaFEaPbsx2YK29zD03kcR+Wod3wFVNzlH1AoGBAJTtP4mA9swEc/6v6Opts+b5KUa54+yk5e06pS03J9Tz5cVnexIso7/u16P4ORZdLdRI91m4oboa/kchOY6LPF8Z91w2pe6UGC0rqjAmK4lWl7iydQDPxMAnFwowo40t26osPNMy4bFvqQz+kMYEedR2X+albeqe/XYlogc+/F3n', 'base64'), format: 'der', type: 'pkcs8' })
  const seedPublicKey = createPublicKey({ key: Buffer.from('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzn5hm+bZaNqvsYNDoWhIPcs0RCmD4Ze9P+gpLX8OpY6S88kfw2ff6hD/SdcADJ/hUqP3V4+6fNrnq5Z8niUZkt9EeXRS3Ew+o7Nz8ET8k7rvicZlB0IC2oA9ok9mltPhP0IkqbXBwN3BHuNhvRgYs6RqKd5xpOfOYMN+6pgkmxR6GM6dKpAAUL11Cj2LNd9J2rkwdltJIP2JbdriQJqHYAk308Mlj9wxLa0c/SvlHvVhAIPFOzN9Lp8mFe+hyAt33Yz2eEqccDPMq/axrryYShK1p2JOU/sj6wXQIIsHXhErE5vn16WgV8fHVih5oEVBeUJhOLnSiKKSMTdnR/fqpwIDAQAB', 'base64'), format: 'der', type: 'spki' })
  const seedExampleSignature =
    'PKiS0Gh2OLs+ibZaL9oWbYAAFRjMjJiS0MCmMbmFImoItuPZwicceUOhidRiNMt1PDH2fDHKFDkrJ+LQzNSukDU4gn9GIlusaGOkLaycIaU/ENKThupw3Z1ng3J3zkbBHJ/bMO1jOXS9zHEfqblYCdzyoEFe9p9pS8nnzHcS82yn4iisd1CQWfzW5z/aGQVVkLIWQAZQqRJSfG1lFCtKlB1DYOdSKHm62Wfu9bCxUIVWYsAbwTY6yYJEajfQYSdhIZv8i8uW/l4KE357pf4HNWhfpws3TA2SqHSwqRCLecP1a7+x824wa6AIaapKyiKpRfEG45F1OCO3JMVRkhmcJg=='
  const input = { clientId: 'MCP00000001', timestamp: '2020-12-18T10:55:00+07:00' }

  it('signs the example request as openssl does with the example key, and the example public key verifies it', async () => {
    const work = await mkdtemp(join(tmpdir(), 'teken-snap-seed-'))
    try {
      await writeFile(join(work, 'key.pem'), seedPrivateKey.export({ type: 'pkcs8', format: 'pem' }))
      const signed = signAccessToken({ ...input, privateKey: seedPrivateKey })
      expect(signed.signature).toBe(openssl(['dgst', '-sha256', '-sign', 'key.pem'], { cwd: work, input: 'MCP00000001|2020-12-18T10:55:00+07:00' }).toString('base64'))
      expect(verifyAccessTokenSignature({ ...input, signature: signed.signature, publicKey: seedPublicKey })).toBe(true)
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  })

  it("does not accept the document's example X-SIGNATURE, which that key pair did not make", () => {
    expect(verifyAccessTokenSignature({ ...input, signature: seedExampleSignature, publicKey: seedPublicKey })).toBe(false)
  })
})

/**
 * Published vectors from Midtrans' public SNAP-BI signature demo, repository
 * Midtrans/SNAP-BI-Signature-Demo: sample-code/b2b-access-token/xSignatureGenerationNode.js (commit
 * ec17c275) and sample-code/symmetricSignature/xSignatureGenerationNode.js (commit 07b64efb). Each file
 * gives its inputs, the "sample hardcoded timestamp" and the "Sample signatureString" it produces.
 */
describe('SNAP signatures: Midtrans SNAP-BI-Signature-Demo published vectors', () => {
  const midtransDemoKey = createPrivateKey(
    [
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCVZu2WHd4z5tbe',
      'fkAWPjbB10Lgvu1CpsuIIVtO/wrrvKeD2LArmYSf5QxeJGG8HYlVYVp8I8/EVqay',
      'JUbcyOd4aMLQFiCambDipecCfI7ecJ0K4+2ZneWOEq9JM91ZnGtwuLVdr1X/4/Nv',
      'yGuNvmLAyfpJkU14yZliAUqJJ656jpM+WfY+hOpcLOzUe2wzx5RV7wYCyMl7/d1i',
      'X33afJc6kbbUaA27yjlPdY6m0+DoZ0NNaRNZS7jzfJFtVXLTg/PgvwMNlMO/5Zyw',
      'BWIOfWsD+MHUC6P9QYrHai8ZwEf9r+GivlNsAFs4NTpw9MdPngrexJm29k1Xh4UM',
      'HV//jB1/AgMBAAECggEADcXGyitns/4oOauGyeYjUxw+eIxxP88zfRGiIralMZUb',
      'Fi7wEpzc2oaZbMZK0jYg1mOanU4J1a4tQMfp7+l/WRzDNL6Nc+MOKN6lXJfR7dSQ',
      'zZO0cBBbvIyhZwymb5/ZUbNdWM0UjvnbE6d0rsTpwp77+TMxYpynDJ9U2S70ySxe',
      'fGi7x4rK02/8xmj1fY/Ls+uoYhF4IbGJIkFvrlAdWyFvv6sCGBYxl5sPuitgQxPv',
      'Yc7dS7HE+6nZ+wWgoIXjC4CfxHBa9u3dfu3XAnPY3xpnVsbxCAH9OOIrZPY0C/Pq',
      'gj+EElCBChUzDiedV3XipKUweDA+64sNm5NjqlqU8QKBgQDFf5a9vHVf9r2CTOgm',
      'z5wTrK7aTwKwCNC4zpZUxDR8k7AV2gTelabpPWqUMZyRMUPs2hyBvhEWVNKxx3qs',
      '7BAVpmcttuS5/dLNVdhNPUC2IgZqf3jWH2aS3lkci8DATQCphrEXZ3jrNaIRtrSC',
      'kflE+yY8YP8b7ObktgvHz39JMQKBgQDBqCsMmOsQAveIQk5FGAMxsFU9G7OIBFHo',
      'xpwkKUCjoqGxM+YQqDvcVeXNd/HdLnmR05//eoONemuDyYy8XRoud4tpaRKU/FK7',
      '06WdljztB5rn2+cdUbmcU0fZiRQk+WuXsopZn3GUNvA/fQOW9qs7B5Rm5W71FeGk',
      'ZgsvlAUlrwKBgQCUgFFaLWCcXa01UpqkxCp5aLi5EfvVXWuD6mKDLlzA51PZums6',
      '6o/shO+kqoEtczu91mrk64NxpSof3vxRFdcqUEr4xrLJXx+oocnYmhwUVxU38s1r',
      'Q4UfHe0nV7YBYmUDE3IJRRZY1aUdaKHmI9iok6e2csCfwMwEYRYOkekFoQKBgCyy',
      'Oa1gpfA+Hw+N7i64ShRv1FyURi2Agb8uB9+4vbiG0rbpeZIioh5KnQ19P4+DKH/l',
      'zinTBwXiWWpDXH4lJuPOp5ierbFBQ38ibDkg8dLrTG9zK7ZypFpWRmEI6GNYReLv',
      'TEs/J6HDxFOC8Q8ow4COUUwmbCOY90lQXAiRK1b1AoGAScK1db9X5Ct+JtnjYyzi',
      'GYLwyPhHCQIVmEDfuvbMs74woQsrBm3dBB3b2vf9pqcSZB4WAbTQ3wCdxCJKg6MN',
      '6eXBO1M1lcIpZjCDyiXXi7PozNmkasRDUyDFwxlnyDLdRHL3FD+dh6do32FwGLBQ',
      'u256RIyMB13qIuqrc91Z0hM=',
      '-----END PRIVATE KEY-----',
    ].join('\n'),
  )

  it('access token B2B: client G1234325-SNAP at 2024-03-01T08:27:49.024Z', () => {
    const signed = signAccessToken({ clientId: 'G1234325-SNAP', timestamp: '2024-03-01T08:27:49.024Z', privateKey: midtransDemoKey })
    expect(signed.signature).toBe(
      'WzW49tYIgKIBmBi/gVBHGLAkhEaZlXM11zcZxAiyHji6TLPjPbwLu3Z45it25AIeG0XDItcdTSkds47zFEMh6IP0PXPIP1+Ey4RmX/o2fuYRF/xBHvfvKnMmANMTS1axsXBSW3EHqYpbVrkCcqNnB3u+wu63us9WIhRZaWgxgQ2PJLaiVHIwgu9u7jxkWX7Bg4rerZH3RKdQfIJAAJsSN13efR7VdSAyzU7QaKjgislxrLqmesYNJkbD03XLjHdo6YWuzAVV7xdZRpLiGkIAkW7luXTBZYBO+4oENZAPQYzrLeN1qRY1Sr7BgLONCA2QA26BB6SYW4R7qofS9+RyOQ==',
    )
  })

  it('symmetric: POST /v1.0/qr/qr-mpm-generate with the pretty-printed demo body, secret myclientsecret', () => {
    // The demo body exactly as the sample writes it: two-space indentation, newlines.
    const body = `{
  "partnerReferenceNo": "2020102900000000000001",
  "amount": {
    "value": "12345678.00",
    "currency": "IDR"
  },
  "feeAmount": {
    "value": "12345678.00",
    "currency": "IDR"
  },
  "merchantId": "00007100010926",
  "terminalId": "213141251124",
  "validityPeriod": "2009-07-03T12:08:56-07:00"
}`
    const signed = signServiceSymmetric({
      method: 'POST',
      path: '/v1.0/qr/qr-mpm-generate',
      includeQuery: false,
      body,
      timestamp: '2024-03-05T10:37:16.196Z',
      accessToken: 'myaccesstoken',
      clientSecret: 'myclientsecret',
      encoding: 'base64',
    })
    expect(signed.signature).toBe('wmzT7yjg1SxxCsxNsFgCR9SYXiZGGbceF6fV8xe97sAMHxZ+7OEBMIBmvb6Sj6GcksGp3iv77DiomgSbcST3XQ==')
  })
})
