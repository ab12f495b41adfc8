import { createHash, timingSafeEqual } from 'node:crypto'
import { TekenError } from '../../../shared/errors'
import type { Vault } from '../../vault/vault'

export interface BasicCredentials {
  username: string
  password: string
}

export function basicAuthorization(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`
}

/** The pair in an `Authorization: Basic …` header, or undefined when the header is anything else. */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/**
 * Constant-time in the secret: both sides are hashed first, so neither the length nor the first
 * differing byte of the expected values shows in the timing, and both halves are always compared.
 */
export function sameCredentials(given: BasicCredentials | undefined, expected: BasicCredentials): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  const usernameMatches = timingSafeEqual(digest(given?.username ?? ''), digest(expected.username))
  const passwordMatches = timingSafeEqual(digest(given?.password ?? ''), digest(expected.password))
  return given !== undefined && usernameMatches && passwordMatches
}

/** The Basic-auth pair of a vault item the vault answered with; any other kind of item is refused. */
export function asBasicCredentials({ item, secret }: Awaited<ReturnType<Vault['secret']>>, ref: string): BasicCredentials {
  if (secret.kind !== 'basic-auth') throw new TekenError('VAULT_ITEM_NOT_FOUND', `"${item.name}" is not a Basic-auth pair (username and password).`, { ref })
  return { username: secret.username, password: secret.password }
}

/** A Basic-auth pair kept in the vault (SIMAS-ID's KYC client id/secret, the OTP webhook's login). */
export async function basicCredentialsFromVault(vault: Vault, ref: string): Promise<BasicCredentials> {
  return asBasicCredentials(await vault.secret(ref), ref)
}
