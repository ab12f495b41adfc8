import { createHmac } from 'node:crypto'

/**
 * Signing System's `session` (seed 003): hex HMAC-SHA256, keyed with the Set Key hashing key, over
 * the order ids concatenated in request order. Seed 003's example: 3214, 3215, 3216 with "p3rur1".
 */
export function signingSystemSession(hashingKey: string | Buffer, orderIds: readonly string[]): string {
  return createHmac('sha256', hashingKey).update(orderIds.join(''), 'utf8').digest('hex')
}
