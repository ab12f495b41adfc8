/** Thrown to the callers still waiting at a gate when the batch is cancelled. */
export class BatchCancelled extends Error {
  constructor() {
    super('The batch was cancelled.')
    this.name = 'BatchCancelled'
  }
}

export interface CallGateOptions {
  /** Calls in flight at once. */
  concurrency: number
  /** Calls started per second; Infinity for none (local signing). */
  ratePerSecond: number
  /** The first pause after a fault; it doubles with each fault in a row, up to `maxBackoffMs`. */
  backoffMs: number
  maxBackoffMs?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

/**
 * Every provider call of a batch passes here: at most `concurrency` in flight, starts spaced to the
 * rate limit, a growing pause after faults (so a struggling gateway is not hammered), and the
 * batch's pause / resume / cancel. Slots are handed over first come, first served.
 */
export function createCallGate(options: CallGateOptions) {
  const now = options.now ?? (() => performance.now())
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const maxBackoffMs = options.maxBackoffMs ?? 30_000
  const spacingMs = Number.isFinite(options.ratePerSecond) ? 1000 / options.ratePerSecond : 0
  let active = 0
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = []
  let nextStartAt = 0
  let holdUntil = 0
  let faultsInRow = 0
  let pause: { promise: Promise<void>; resume: () => void } | undefined
  let cancelled = false

  async function acquire(): Promise<void> {
    if (cancelled) throw new BatchCancelled()
    if (active < options.concurrency && waiting.length === 0) active += 1
    // A releasing call hands its slot straight to the first waiter, so `active` stays as it is.
    else await new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }))
  }

  function release(): void {
    const next = waiting.shift()
    if (next) next.resolve()
    else active -= 1
  }

  /** Holding a slot: wait out a pause, the fault backoff and the rate limit. */
  async function clearToStart(): Promise<void> {
    for (;;) {
      if (cancelled) throw new BatchCancelled()
      const held = holdUntil - now()
      if (pause) await pause.promise
      else if (held > 0) await sleep(held)
      else break
    }
    const startAt = Math.max(now(), nextStartAt)
    nextStartAt = startAt + spacingMs
    const early = startAt - now()
    if (early > 0) await sleep(early)
    if (cancelled) throw new BatchCancelled()
  }

  return {
    /** Runs `call` in a slot. `isFault` says which failures should slow the whole batch down. */
    async run<T>(call: () => Promise<T>, isFault: (error: unknown) => boolean): Promise<T> {
      await acquire()
      try {
        await clearToStart()
        const result = await call()
        faultsInRow = 0
        return result
      } catch (error) {
        if (!(error instanceof BatchCancelled) && isFault(error)) {
          faultsInRow += 1
          holdUntil = Math.max(holdUntil, now() + Math.min(maxBackoffMs, options.backoffMs * 2 ** (faultsInRow - 1)))
        }
        throw error
      } finally {
        release()
      }
    },
    pause(): void {
      if (pause || cancelled) return
      let resume!: () => void
      pause = { promise: new Promise<void>((resolve) => (resume = resolve)), resume }
    },
    resume(): void {
      pause?.resume()
      pause = undefined
    },
    get paused(): boolean {
      return pause !== undefined
    },
    /** Calls in flight finish; every call not yet started fails with BatchCancelled. */
    cancel(): void {
      cancelled = true
      for (const waiter of waiting.splice(0)) waiter.reject(new BatchCancelled())
      pause?.resume()
      pause = undefined
    },
  }
}

export type CallGate = ReturnType<typeof createCallGate>
