import { createPrivateKey } from 'node:crypto'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpTimestampAuthority, signPdf } from '../../../src/main/pdf/sign'
import { verifyPdf } from '../../../src/main/pdf/verify'
import { openssl } from '../../support/openssl'
import { CORPUS_DIR, pdfsig } from '../pdf/verify/reference-tools'
import { startSandboxFixture, type SandboxFixture } from './support'

describe('the sandbox TSA (RFC 3161) lifts a local signature to PAdES B-T', () => {
  let fixture: SandboxFixture
  beforeAll(async () => {
    fixture = await startSandboxFixture()
  })
  afterAll(() => fixture.dispose())

  it('timestamps a signature; pdfsig and Teken both accept it, and openssl verifies the token against the sandbox CA', async () => {
    const state = JSON.parse(await readFile(join(fixture.stateDir, 'state.json'), 'utf8')) as { ca: { certificatePem: string }; users: { identity: { keyPem: string; certificatePem: string } }[] }
    const budi = state.users[0]!.identity
    const input = join(fixture.stateDir, 'in.pdf')
    await copyFile(join(CORPUS_DIR, 'pdfjs-legal-size.pdf'), input)
    const output = join(fixture.stateDir, 'b-t.pdf')
    const result = await signPdf({
      inputPath: input,
      outputPath: output,
      identity: { privateKey: createPrivateKey(budi.keyPem), certificates: [budi.certificatePem, state.ca.certificatePem] },
      placement: { page: 1, rect: [54, 45, 229, 116], visible: true, certificationLevel: 'NOT_CERTIFIED' },
      clock: fixture.clock,
      timestampAuthority: httpTimestampAuthority(fixture.sandbox.tsaUrl),
    })
    expect(Math.abs(result.timestampedAt!.getTime() - fixture.clock.now().getTime())).toBeLessThan(2000)
    expect(pdfsig(output)[0]?.validation).toBe('Signature is Valid.')
    const [report] = (await verifyPdf(output)).signatures
    expect(report).toMatchObject({ status: 'valid', problems: [], timestampedAt: expect.any(String) })
    expect(report!.notes.filter((note) => /timestamp/i.test(note))).toEqual([])

    // The TSA answers the same way to openssl's own request; openssl checks the token cryptographically.
    const dir = fixture.stateDir
    await writeFile(join(dir, 'data.txt'), 'teken')
    openssl(['ts', '-query', '-data', 'data.txt', '-sha256', '-cert', '-out', 'q.tsq'], { cwd: dir })
    const response = await fetch(fixture.sandbox.tsaUrl, { method: 'POST', body: new Uint8Array(await readFile(join(dir, 'q.tsq'))) })
    await writeFile(join(dir, 'r.tsr'), Buffer.from(await response.arrayBuffer()))
    await writeFile(join(dir, 'ca.pem'), state.ca.certificatePem)
    const verified = openssl(['ts', '-verify', '-data', 'data.txt', '-in', 'r.tsr', '-CAfile', 'ca.pem'], { cwd: dir }).toString()
    expect(verified).toContain('Verification: OK')
  })

  it('rejects a request it cannot serve with PKIStatus rejection', async () => {
    const response = await fetch(fixture.sandbox.tsaUrl, { method: 'POST', body: 'not der' })
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 9).toString('hex')).toMatch(/^30.+020102/)
  })
})
