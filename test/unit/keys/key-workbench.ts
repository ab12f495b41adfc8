import { spawnSync } from 'node:child_process'
import { createHash, type KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { exportPublicKey, type ImportedKey, publicKeyFingerprint } from '../../../src/main/keys'
import type { ErrorCode, TekenError } from '../../../src/shared/errors'
import { expectTekenError } from '../../support/teken-error'

/** What the real openssl CLI says about a key: the reference every import is checked against. */
export interface OpensslView {
  spkiPem: string
  pkcs1Pem: string
  spkiDer: Buffer
  pkcs1Der: Buffer
  fingerprint: string
  bits: number
  /** `openssl pkey` output (PKCS#8 PEM); absent when only the public key is known to openssl. */
  privatePkcs8Pem?: string
}

/** A temp folder plus the openssl and ssh-keygen CLIs run inside it. */
export class KeyWorkbench {
  readonly dir = mkdtempSync(join(tmpdir(), 'teken-keys-'))

  path(name: string): string {
    return join(this.dir, name)
  }

  read(name: string): Buffer {
    return readFileSync(this.path(name))
  }

  /** Mode 0600, because ssh-keygen refuses to load private keys others can read. */
  write(name: string, data: string | Uint8Array): string {
    writeFileSync(this.path(name), data, { mode: 0o600 })
    return name
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }

  openssl(args: string[], input?: Uint8Array): Buffer {
    return this.run('openssl', args, input).stdout
  }

  /** stdout and stderr together, for commands such as `pkcs12 -info` that report on stderr. */
  opensslReport(args: string[]): string {
    const { stdout, stderr } = this.run('openssl', args)
    return `${stdout.toString()}${stderr.toString()}`
  }

  sshKeygen(args: string[]): Buffer {
    return this.run('ssh-keygen', args).stdout
  }

  /** `file` holds a private key in any form `openssl pkey` reads (with `options`, e.g. the legacy provider). */
  viewOfPrivateKey(file: string, passphrase?: string, options: string[] = []): OpensslView {
    const passin = passphrase === undefined ? [] : ['-passin', `pass:${passphrase}`]
    const privatePkcs8Pem = this.openssl(['pkey', ...options, '-in', file, ...passin]).toString()
    const plain = this.write(`${file}.openssl-plain.pem`, privatePkcs8Pem)
    return { ...this.publicView(['-in', plain]), privatePkcs8Pem }
  }

  /** `file` holds a public key openssl reads (BEGIN PUBLIC KEY). */
  viewOfPublicKey(file: string): OpensslView {
    return this.publicView(['-pubin', '-in', file])
  }

  private publicView(input: string[]): OpensslView {
    const spkiDer = this.openssl(['rsa', ...input, '-pubout', '-outform', 'DER'])
    const digest = this.openssl(['dgst', '-sha256', '-c'], spkiDer).toString().trim()
    const text = this.openssl(['rsa', ...input, '-noout', '-text']).toString()
    return {
      spkiPem: this.openssl(['rsa', ...input, '-pubout']).toString(),
      pkcs1Pem: this.openssl(['rsa', ...input, '-RSAPublicKey_out']).toString(),
      spkiDer,
      pkcs1Der: this.openssl(['rsa', ...input, '-RSAPublicKey_out', '-outform', 'DER']),
      // openssl prints "SHA2-256(stdin)= ab:cd:…" (older builds: "(stdin)= …").
      fingerprint: digest.replace(/^.*= /, ''),
      bits: Number(/(?:Private|Public)-Key: \((\d+) bit/.exec(text)?.[1]),
    }
  }

  private run(tool: string, args: string[], input?: Uint8Array): { stdout: Buffer; stderr: Buffer } {
    const result = spawnSync(tool, args, { cwd: this.dir, input, maxBuffer: 16 * 1024 * 1024 })
    if (result.error) throw result.error
    if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${result.status}): ${result.stderr.toString()}`)
    return { stdout: result.stdout, stderr: result.stderr }
  }
}

/** Teken's public exports, fingerprint, size and (when openssl can read the source) private key equal openssl's. */
export function expectSameKeyAsOpenssl(imported: ImportedKey, view: OpensslView): void {
  expect(imported.bits).toBe(view.bits)
  expectKeyObjectMatches(imported.privateKey, view)
}

export function expectKeyObjectMatches(key: KeyObject, view: OpensslView): void {
  expect(key.type).toBe('private')
  expect(key.asymmetricKeyType).toBe('rsa')
  expect(key.asymmetricKeyDetails?.modulusLength).toBe(view.bits)
  expect(exportPublicKey(key, 'spki-pem').toString('utf8')).toBe(view.spkiPem)
  expect(exportPublicKey(key, 'pkcs1-pem').toString('utf8')).toBe(view.pkcs1Pem)
  expect(exportPublicKey(key, 'spki-der').equals(view.spkiDer)).toBe(true)
  expect(exportPublicKey(key, 'pkcs1-der').equals(view.pkcs1Der)).toBe(true)
  expect(publicKeyFingerprint(key)).toBe(view.fingerprint)
  if (view.privatePkcs8Pem !== undefined) expect(key.export({ type: 'pkcs8', format: 'pem' })).toBe(view.privatePkcs8Pem)
}

/**
 * `action` throws a TekenError with `code` and a real sentence that carries no key material: no long
 * base64 run, and none of the lines of `source` (the key file's text, when given).
 */
export function expectKeyError(action: () => unknown, code: ErrorCode, source?: string | Uint8Array): TekenError {
  const error = expectTekenError(action, code)
  expect(error.message).toMatch(/^[A-Z].{40,}\.$/s)
  expect(error.message).not.toMatch(/[A-Za-z0-9+/=]{24,}/)
  const text = source === undefined ? '' : typeof source === 'string' ? source : Buffer.from(source).toString('latin1')
  for (const line of text.split(/\r?\n/)) {
    if (/^[A-Za-z0-9+/=]{16,}$/.test(line.trim())) expect(error.message).not.toContain(line.trim().slice(0, 16))
  }
  return error
}

/** Fixed pseudo-random bytes, so a "garbage" test never changes from run to run. */
export function deterministicBytes(seed: string, length: number): Buffer {
  const chunks: Buffer[] = []
  for (let counter = 0; chunks.length * 32 < length; counter += 1) {
    chunks.push(createHash('sha256').update(`${seed}:${counter}`).digest())
  }
  return Buffer.concat(chunks).subarray(0, length)
}
