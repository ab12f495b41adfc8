import { TekenError } from '../../../shared/errors'

/** JSON's own whitespace; anything else (a no-break space, say) outside a string is invalid JSON anyway. */
const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r'])

/**
 * SNAP's `minify(body)`: the body with the whitespace *between* JSON tokens removed. Strings are
 * copied byte for byte, escapes (`\/`, `\u00e9`) included, and keys keep their order, so the hash
 * is over what the provider re-minifies on its side. Parse-and-stringify would turn `\/` into `/`
 * and `\u00e9` into `é`, and a `\s+` strip would eat the spaces inside values: both break the
 * signature. An empty (or whitespace-only) body minifies to the empty string.
 */
export function minifyJson(body: string): string {
  if (/^[ \t\n\r]*$/.test(body)) return ''
  try {
    JSON.parse(body)
  } catch (error) {
    throw new TekenError('INVALID_REQUEST', `The request body is not valid JSON (${(error as Error).message}). SNAP signs the minified JSON body, so it must parse.`)
  }
  const kept: string[] = []
  let segmentStart = 0
  let index = 0
  while (index < body.length) {
    const character = body[index]!
    if (character === '"') {
      index = endOfString(body, index)
    } else if (JSON_WHITESPACE.has(character)) {
      kept.push(body.slice(segmentStart, index))
      while (index < body.length && JSON_WHITESPACE.has(body[index]!)) index += 1
      segmentStart = index
    } else {
      index += 1
    }
  }
  kept.push(body.slice(segmentStart))
  return kept.join('')
}

/** The index just past the closing quote of the string that opens at `quote` (the body already parsed). */
function endOfString(body: string, quote: number): number {
  let index = quote + 1
  while (body[index] !== '"') index += body[index] === '\\' ? 2 : 1
  return index + 1
}
