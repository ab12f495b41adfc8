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

/** Awaits `promise`, which must reject with a TekenError of `code` whose message matches `message`. */
export async function expectRejectedTekenError(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<TekenError> {
  const thrown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(thrown).toBeInstanceOf(TekenError)
  const error = thrown as TekenError
  expect(error.code).toBe(code)
  if (message) expect(error.message).toMatch(message)
  return error
}
