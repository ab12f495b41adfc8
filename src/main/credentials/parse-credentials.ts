export interface CredentialField {
  name: string
  value: string
}

export interface ParsedCredentials {
  format: 'json' | 'key-value' | 'lines'
  fields: CredentialField[]
}

/**
 * `name = value` or `name: value`. The name is word-like, and `==` (base64 padding) or `://` (a URL)
 * is not a separator, so a plain line of either is not split into a name and a value.
 */
const KEY_VALUE_LINE = /^\s*([\p{L}\p{N}_][\p{L}\p{N}_ .-]*?)\s*(?:=(?!=)|:(?!\/\/))\s*(.*?)\s*$/u

/**
 * Splits decrypted credentials into named fields for display: a JSON object (nested names joined
 * with dots), `key=value` / `key: value` lines, or otherwise plain lines named "line 1", "line 2", ….
 */
export function parseCredentials(text: string): ParsedCredentials {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  const json = parseJsonObject(body)
  if (json) return { format: 'json', fields: flattenJson(json, '') }

  const lines = body
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
  const pairs = lines.map((line) => KEY_VALUE_LINE.exec(line))
  if (pairs.length > 0 && pairs.every((pair) => pair !== null)) {
    return { format: 'key-value', fields: pairs.map(([, name = '', value = '']) => ({ name, value })) }
  }
  return { format: 'lines', fields: lines.map((value, index) => ({ name: `line ${index + 1}`, value })) }
}

const BULLET = '•'
/** Values this long keep two characters at each end so the user can tell fields apart. */
const REVEAL_EDGES_FROM = 16
const EDGE = 2
const HIDDEN = BULLET.repeat(8)

/** Masks a secret for display. The bullets do not reveal its length. */
export function maskSecret(value: string): string {
  if (value === '') return ''
  const characters = Array.from(value)
  if (characters.length < REVEAL_EDGES_FROM) return HIDDEN
  return `${characters.slice(0, EDGE).join('')}${HIDDEN}${characters.slice(-EDGE).join('')}`
}

type JsonObject = { [name: string]: unknown }

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseJsonObject(text: string): JsonObject | undefined {
  if (!text.trimStart().startsWith('{')) return undefined
  try {
    const parsed: unknown = JSON.parse(text)
    return isJsonObject(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

function flattenJson(value: unknown, name: string): CredentialField[] {
  const entries = isJsonObject(value) ? Object.entries(value) : Array.isArray(value) ? value.map((item, index): [string, unknown] => [String(index), item]) : undefined
  if (entries === undefined) return [{ name, value: typeof value === 'string' ? value : JSON.stringify(value) }]
  // An empty object or array is still shown, so nothing in the file goes unseen.
  if (entries.length === 0 && name !== '') return [{ name, value: JSON.stringify(value) }]
  return entries.flatMap(([key, item]) => flattenJson(item, name === '' ? key : `${name}.${key}`))
}
