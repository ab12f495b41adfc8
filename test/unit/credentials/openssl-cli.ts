import { spawnSync } from 'node:child_process'
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DecryptCredentialOptions, EncKdf } from '../../../src/main/credentials'

/** Runs the real openssl CLI; throws with its stderr when it fails. */
export function openssl(args: string[], input?: Uint8Array): Buffer {
  const result = runOpenssl(args, input)
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${result.status}): ${result.stderr}`)
  return result.stdout
}

export function runOpenssl(args: string[], input?: Uint8Array): { status: number | null; stdout: Buffer; stderr: string } {
  const result = spawnSync('openssl', args, { input, maxBuffer: 16 * 1024 * 1024 })
  if (result.error) throw result.error
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') }
}

/** `rsautl` is deprecated in OpenSSL 3 and may be missing from a build; `pkeyutl` always exists. */
export const hasRsautl = runOpenssl(['rsautl', '-help']).status === 0

/** A scratch directory for openssl's input and output files, removed by `remove()`. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'teken-credentials-'))
  private counter = 0

  path(name: string): string {
    return join(this.dir, name)
  }

  /** Writes bytes to a new file and returns its path. */
  file(bytes: Uint8Array | string, name = `file-${++this.counter}`): string {
    const path = this.path(name)
    writeFileSync(path, bytes)
    return path
  }

  read(path: string): Buffer {
    return readFileSync(path)
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

export interface RsaKeyPair {
  bits: number
  privatePem: string
  publicPem: string
  privateKey: KeyObject
}

/** `openssl genrsa`, loaded into node:crypto the way Teken's vault holds keys. */
export function generateRsaKey(scratch: Scratch, bits: number): RsaKeyPair {
  const privatePem = scratch.path(`rsa-${bits}-${Math.random().toString(36).slice(2)}.pem`)
  openssl(['genrsa', '-out', privatePem, String(bits)])
  const publicPem = `${privatePem}.pub`
  openssl(['rsa', '-in', privatePem, '-pubout', '-out', publicPem])
  return { bits, privatePem, publicPem, privateKey: createPrivateKey(readFileSync(privatePem)) }
}

export type RsaTool = 'pkeyutl' | 'rsautl'
export const RSA_TOOLS: RsaTool[] = hasRsautl ? ['pkeyutl', 'rsautl'] : ['pkeyutl']

/** What OVO does to key.bin: encrypt it for the partner's public key (PKCS#1 v1.5, the default). */
export function rsaEncryptFile(tool: RsaTool, publicPem: string, inFile: string, outFile: string): void {
  openssl([tool, '-encrypt', '-pubin', '-inkey', publicPem, '-in', inFile, '-out', outFile])
}

/** What the partner does: `openssl rsautl -decrypt -inkey id_rsa.pem -in key.bin.enc -out key.bin`. */
export function rsaDecryptFile(tool: RsaTool, privatePem: string, inFile: string, outFile: string): void {
  openssl([tool, '-decrypt', '-inkey', privatePem, '-in', inFile, '-out', outFile])
}

/**
 * One way `openssl enc` derives key and IV: its command-line options, the EncKdf Teken must use,
 * and the options a user would pick in Teken for it.
 */
export interface EncCase {
  label: string
  args: string[]
  kdf: EncKdf
  options: DecryptCredentialOptions
}

export const ENC_CASES: EncCase[] = [
  { label: '-md sha256', args: ['-md', 'sha256'], kdf: { digest: 'sha256', pbkdf2: false }, options: { digest: 'sha256' } },
  { label: '-md md5', args: ['-md', 'md5'], kdf: { digest: 'md5', pbkdf2: false }, options: { digest: 'md5' } },
  // openssl 3 defaults to -md sha256 and 10,000 PBKDF2 iterations.
  { label: '-pbkdf2', args: ['-pbkdf2'], kdf: { digest: 'sha256', pbkdf2: true, iterations: 10_000 }, options: { digest: 'sha256', pbkdf2: true } },
  { label: '-pbkdf2 -iter 1000', args: ['-pbkdf2', '-iter', '1000'], kdf: { digest: 'sha256', pbkdf2: true, iterations: 1000 }, options: { digest: 'sha256', pbkdf2: true, iterations: 1000 } },
  // -iter alone implies -pbkdf2, in openssl and in Teken.
  { label: '-iter 5000', args: ['-iter', '5000'], kdf: { digest: 'sha256', pbkdf2: true, iterations: 5000 }, options: { digest: 'sha256', iterations: 5000 } },
  { label: '-pbkdf2 -md md5', args: ['-pbkdf2', '-md', 'md5'], kdf: { digest: 'md5', pbkdf2: true, iterations: 10_000 }, options: { digest: 'md5', pbkdf2: true } },
]

export function encEncryptFile(passFile: string, inFile: string, outFile: string, kdfArgs: string[]): void {
  openssl(['enc', '-aes-256-cbc', '-salt', '-in', inFile, '-out', outFile, '-pass', `file:${passFile}`, ...kdfArgs])
}

export function encDecryptFile(passFile: string, inFile: string, outFile: string, kdfArgs: string[]): void {
  openssl(['enc', '-d', '-aes-256-cbc', '-in', inFile, '-out', outFile, '-pass', `file:${passFile}`, ...kdfArgs])
}

/**
 * `openssl enc` with a fixed salt (`-S`), so its output can be compared byte for byte. OpenSSL 3
 * leaves the `Salted__` header out when the salt is given; it is put back so the result is the file
 * `-salt` would have written with that salt.
 */
export function encEncryptWithSalt(passFile: string, inFile: string, salt: Uint8Array, kdfArgs: string[]): Buffer {
  const output = openssl(['enc', '-aes-256-cbc', '-in', inFile, '-pass', `file:${passFile}`, '-S', Buffer.from(salt).toString('hex'), ...kdfArgs])
  const header = Buffer.concat([Buffer.from('Salted__', 'latin1'), salt])
  return output.subarray(0, header.length).equals(header) ? output : Buffer.concat([header, output])
}
