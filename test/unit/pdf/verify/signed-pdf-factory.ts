import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Hand-built signed PDFs for what the corpus lacks: a tiny one-page PDF whose signature dictionary
 * gets an openssl-made CMS over a ByteRange computed here, so every byte is known and can be
 * tampered with on purpose.
 */

export interface SignedPdfOptions {
  /** Signs the ByteRange bytes and returns the DER CMS (or, for adbe.x509.rsa_sha1, the bare signature). */
  sign: (signedBytes: Buffer) => Buffer
  subFilter?: string
  type?: 'Sig' | 'DocTimeStamp'
  fieldName?: string
  /** DocMDP certification level: adds the /Reference and /Perms entries. */
  certify?: 1 | 2 | 3
  /** Extra raw entries for the signature dictionary, e.g. `/Cert <…>`. */
  extraEntries?: string
  /** Room for the signature value, in bytes. */
  contentsCapacity?: number
  /** Leave the angle brackets inside the signed ranges, as pdfjs-signed.pdf does. */
  gapWithoutDelimiters?: boolean
  /** Adds an unreferenced stream of this many bytes before the signature, to make a large file. */
  bulkBytes?: number
  /** Rewrites the proper ByteRange before signing, to make malformed ones whose digest still matches. */
  byteRange?: (proper: [number, number, number, number]) => number[]
  /** Writes this instead of the real xref offset, to make a damaged file. */
  startxref?: number
  /** The AcroForm /Fields array; `[]` leaves the signature out of the form. */
  fields?: string
  /** The page's /Annots array; `[]` takes the signature widget off the page too. */
  annots?: string
}

const TSA_CONFIG = `[ tsa ]
default_tsa = teken_tsa
[ teken_tsa ]
serial = ./tsa-serial
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
ess_cert_id_alg = sha256
[ tsa_extensions ]
extendedKeyUsage = critical,timeStamping
`

/** Now, in WIB, as a PDF date: the test certificates are issued now and valid for 30 days. */
export function pdfDateNow(): string {
  const wib = new Date(Date.now() + 7 * 3600_000).toISOString()
  return `D:${wib.slice(0, 19).replace(/[-T:]/g, '')}+07'00'`
}

export function buildSignedPdf(options: SignedPdfOptions): Buffer {
  const capacity = options.contentsCapacity ?? 8192
  const certification = options.certify
    ? `/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${options.certify} /V /1.2 >> >>] `
    : ''
  const perms = options.certify ? '/Perms << /DocMDP 5 0 R >> ' : ''
  const objects: [number, string][] = [
    [1, `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields ${options.fields ?? '[4 0 R]'} /SigFlags 3 >> ${perms}>>`],
    [2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'],
    [3, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots ${options.annots ?? '[4 0 R]'} >>`],
    [4, `<< /Type /Annot /Subtype /Widget /FT /Sig /T (${options.fieldName ?? 'Tanda Tangan 1'}) /V 5 0 R /Rect [0 0 0 0] /F 132 /P 3 0 R >>`],
  ]
  if (options.bulkBytes) objects.push([6, `<< /Length ${options.bulkBytes} >>\nstream\n${'%'.padEnd(options.bulkBytes, 'x')}\nendstream`])
  objects.push([
    5,
    `<< /Type /${options.type ?? 'Sig'} /Filter /Adobe.PPKLite /SubFilter /${options.subFilter ?? 'adbe.pkcs7.detached'} /M (${pdfDateNow()}) ` +
      `/Reason (Persetujuan kontrak) /Location (Jakarta) ${certification}${options.extraEntries ?? ''}` +
      `/ByteRange [0 ${'0'.repeat(10)} ${'0'.repeat(10)} ${'0'.repeat(10)}] /Contents <${'0'.repeat(capacity * 2)}> >>`,
  ])
  let body = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'
  const offsets = new Map<number, number>()
  for (const [num, object] of objects) {
    offsets.set(num, body.length)
    body += `${num} 0 obj\n${object}\nendobj\n`
  }
  const xref = body.length
  const entries = Array.from({ length: objects.length }, (_, index) => `${String(offsets.get(index + 1)).padStart(10, '0')} 00000 n \n`)
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries.join('')}`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${options.startxref ?? xref}\n%%EOF\n`
  const pdf = Buffer.from(body, 'latin1')

  const contentsStart = pdf.indexOf('/Contents <') + '/Contents '.length
  const contentsEnd = pdf.indexOf('>', contentsStart) + 1
  const gapStart = options.gapWithoutDelimiters ? contentsStart + 1 : contentsStart
  const gapEnd = options.gapWithoutDelimiters ? contentsEnd - 1 : contentsEnd
  const proper: [number, number, number, number] = [0, gapStart, gapEnd, pdf.length - gapEnd]
  const byteRange = options.byteRange ? options.byteRange(proper) : proper
  const byteRangeAt = pdf.indexOf('/ByteRange [') + '/ByteRange ['.length
  const placeholderLength = `0 ${'0'.repeat(10)} ${'0'.repeat(10)} ${'0'.repeat(10)}`.length
  pdf.write(byteRange.join(' ').padEnd(placeholderLength, ' '), byteRangeAt, 'latin1')
  const signedParts: Buffer[] = []
  for (let index = 0; index + 1 < byteRange.length; index += 2) {
    const start = byteRange[index] ?? 0
    signedParts.push(pdf.subarray(start, start + (byteRange[index + 1] ?? 0)))
  }
  const signature = options.sign(Buffer.concat(signedParts))
  if (signature.length > capacity) throw new Error(`signature of ${signature.length} bytes does not fit in ${capacity}`)
  pdf.write(signature.toString('hex').toUpperCase(), contentsStart + 1, 'latin1')
  return pdf
}

/** Appends a real incremental update (a new Info dictionary, xref section and trailer). */
export function appendIncrementalUpdate(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1')
  const previousXref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1])
  const size = Number(/\/Size (\d+)/.exec(text.slice(text.lastIndexOf('trailer')))?.[1])
  const objectOffset = pdf.length
  const object = `${size} 0 obj\n<< /Producer (Teken test: changed after signing) >>\nendobj\n`
  const xrefOffset = objectOffset + object.length
  const update =
    object +
    `xref\n0 1\n0000000000 65535 f \n${size} 1\n${String(objectOffset).padStart(10, '0')} 00000 n \n` +
    `trailer\n<< /Size ${size + 1} /Root 1 0 R /Info ${size} 0 R /Prev ${previousXref} >>\nstartxref\n${xrefOffset}\n%%EOF\n`
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')])
}

/** Keys and certificates made once per test file with the real openssl CLI. */
export class SigningBench {
  readonly dir = mkdtempSync(join(tmpdir(), 'teken-verify-'))

  constructor() {
    this.openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/C=ID/O=Teken Uji/CN=Teken Test CA', '-days', '30'])
    this.issue('rsa', ['-newkey', 'rsa:2048'], '/C=ID/O=PT Contoh Sejahtera/CN=Budi Santoso')
    this.issue('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/C=ID/O=PT Contoh Sejahtera/CN=Siti Rahayu')
    this.issue('ec384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], '/C=ID/O=PT Contoh Sejahtera/CN=Siti Rahayu')
    writeFileSync(this.path('tsa.cnf'), TSA_CONFIG)
    writeFileSync(this.path('tsa-serial'), '01\n')
    this.issue('tsa', ['-newkey', 'rsa:2048'], '/C=ID/O=Teken Uji/CN=Teken Test TSA', ['-extfile', 'tsa.cnf', '-extensions', 'tsa_extensions'])
  }

  /** `<name>.key` and `<name>.pem`, issued by the test CA. */
  private issue(name: string, keyArgs: string[], subject: string, extensionArgs: string[] = []): void {
    this.openssl(['req', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject])
    this.openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '30', ...extensionArgs])
  }

  openssl(args: string[], input?: Buffer): Buffer {
    return execFileSync('openssl', args, { cwd: this.dir, input, stdio: ['pipe', 'pipe', 'pipe'] })
  }

  path(name: string): string {
    return join(this.dir, name)
  }

  read(name: string): Buffer {
    return readFileSync(this.path(name))
  }

  /** Writes a PDF into the bench folder and returns its path. */
  save(name: string, pdf: Buffer): string {
    writeFileSync(this.path(name), pdf)
    return this.path(name)
  }

  /** A detached CMS by `openssl cms -sign`; `extraArgs` adds -noattr, -md, -cades, -keyopt … */
  cms(signer: 'rsa' | 'ec' | 'ec384', extraArgs: string[] = []): (data: Buffer) => Buffer {
    return (data) => this.openssl(['cms', '-sign', '-binary', '-signer', `${signer}.pem`, '-inkey', `${signer}.key`, '-certfile', 'ca.pem', '-outform', 'DER', ...extraArgs], data)
  }

  /** An RFC 3161 token from `openssl ts -reply` over the data, for ETSI.RFC3161 document timestamps. */
  timestampToken(): (data: Buffer) => Buffer {
    return (data) => {
      writeFileSync(this.path('timestamped.bin'), data)
      this.openssl(['ts', '-query', '-data', 'timestamped.bin', '-sha256', '-cert', '-out', 'request.tsq'])
      this.openssl(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'request.tsq', '-signer', 'tsa.pem', '-inkey', 'tsa.key', '-chain', 'ca.pem', '-token_out', '-out', 'token.der'])
      return this.read('token.der')
    }
  }

  /** adbe.x509.rsa_sha1: a bare PKCS#1 v1.5 SHA-1 signature in a DER OCTET STRING; /Cert gets the certificate. */
  rawRsaSha1(): { sign: (data: Buffer) => Buffer; certEntry: string } {
    const certificate = this.openssl(['x509', '-in', 'rsa.pem', '-outform', 'DER'])
    return {
      sign: (data) => {
        const signature = this.openssl(['dgst', '-sha1', '-sign', 'rsa.key'], data)
        return Buffer.concat([Buffer.from([0x04, 0x82, signature.length >> 8, signature.length & 0xff]), signature])
      },
      certEntry: `/Cert <${certificate.toString('hex')}> `,
    }
  }

  /** adbe.pkcs7.sha1: a CMS that encapsulates the SHA-1 digest of the signed bytes. */
  pkcs7Sha1(): (data: Buffer) => Buffer {
    return (data) => {
      const digest = this.openssl(['dgst', '-sha1', '-binary'], data)
      return this.openssl(['cms', '-sign', '-binary', '-nodetach', '-signer', 'rsa.pem', '-inkey', 'rsa.key', '-outform', 'DER'], digest)
    }
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}
