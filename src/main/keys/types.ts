import type { KeyObject } from 'node:crypto'

export type KeySourceFormat =
  | 'pkcs1-pem'
  | 'pkcs8-pem'
  | 'pkcs1-der'
  | 'pkcs8-der'
  | 'encrypted-traditional-pem'
  | 'encrypted-pkcs8-pem'
  | 'encrypted-pkcs8-der'
  | 'pkcs12'
  | 'openssh'
  | 'openssh-encrypted'

export interface ImportedKey {
  format: KeySourceFormat
  /** What was found, for the UI, e.g. "Encrypted PKCS#8 PEM (PBES2, AES-256-CBC)" or "OpenSSH (bcrypt, aes256-ctr)". */
  description: string
  /** An RSA private key. */
  privateKey: KeyObject
  bits: number
  /** PEM certificates from a PKCS#12: the one matching the key first, then its chain; [] for other formats. */
  certificates: string[]
  /** The OpenSSH key comment, when there is one. */
  comment?: string
}

export type PublicKeyFormat = 'spki-pem' | 'pkcs1-pem' | 'spki-der' | 'pkcs1-der'
