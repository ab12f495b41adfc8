import { describe, expect, it } from 'vitest'
import { BatchCancelled, createCallGate } from '../../../src/main/batch/call-gate'

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('call gate', () => {
  it('keeps at most `concurrency` calls in flight, first come first served', async () => {
    const gate = createCallGate({ concurrency: 2, ratePerSecond: Infinity, backoffMs: 10 })
    let inFlight = 0
    let most = 0
    const order: number[] = []
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        gate.run(async () => {
          inFlight += 1
          most = Math.max(most, inFlight)
          order.push(n)
          await wait(20)
          inFlight -= 1
        }, () => false),
      ),
    )
    expect(most).toBe(2)
    expect(order).toEqual([1, 2, 3, 4, 5])
  })

  it('spaces starts to the rate limit and pauses after a fault, longer after each fault in a row', async () => {
    const gate = createCallGate({ concurrency: 4, ratePerSecond: 20, backoffMs: 100 })
    const starts: number[] = []
    await Promise.all([1, 2, 3].map(() => gate.run(async () => void starts.push(performance.now()), () => false)))
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(45)
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(45)

    const fault = () => gate.run(() => Promise.reject(new Error('503')), () => true).catch(() => performance.now())
    const firstFault = await fault()
    const secondFault = await fault()
    const afterFaults = await gate.run(async () => performance.now(), () => false)
    expect(secondFault - firstFault).toBeGreaterThanOrEqual(95)
    expect(afterFaults - secondFault).toBeGreaterThanOrEqual(195)
  })

  it('pauses new calls, resumes them, and on cancel lets calls in flight finish while the rest fail', async () => {
    const gate = createCallGate({ concurrency: 1, ratePerSecond: Infinity, backoffMs: 10 })
    gate.pause()
    let ran = false
    const paused = gate.run(async () => void (ran = true), () => false)
    await wait(50)
    expect(ran).toBe(false)
    gate.resume()
    await paused
    expect(ran).toBe(true)

    const inFlight = gate.run(() => wait(50).then(() => 'done'), () => false)
    const queued = gate.run(async () => 'never', () => false).catch((error: unknown) => error)
    await wait(10)
    gate.cancel()
    expect(await inFlight).toBe('done')
    expect(await queued).toBeInstanceOf(BatchCancelled)
    await expect(gate.run(async () => 'later', () => false)).rejects.toBeInstanceOf(BatchCancelled)
  })
})
