import { expect } from 'vitest'
import { TekenError, type ErrorCode } from '../../src/shared/errors'

/** Asserts `run` throws a TekenError with `code` whose message and details contain none of `secrets`. */
export function expectTekenError(run: () => unknown, code: ErrorCode, secrets: string[] = []): TekenError {
  let thrown: unknown
  try {
    run()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(TekenError)
  const error = thrown as TekenError
  expect(error.code).toBe(code)
  const shown = `${error.message} ${JSON.stringify(error.details ?? {})}`
  for (const secret of secrets) expect(shown).not.toContain(secret)
  return error
}
