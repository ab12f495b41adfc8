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

/**
 * For `expectTekenError`, which takes a function that throws: waits for `promise` and returns a
 * function that throws what it rejected with (or says that it resolved instead).
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<() => never> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => ({ error }),
  )
  return () => {
    if (!outcome) throw new Error('expected a rejection, but the promise resolved')
    throw outcome.error
  }
}

/** Awaits `promise`, which must reject with a TekenError of `code` whose message matches `message`. */
export async function expectRejectedTekenError(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<TekenError> {
  const error = expectTekenError(await rejectionOf(promise), code)
  if (message) expect(error.message).toMatch(message)
  return error
}
