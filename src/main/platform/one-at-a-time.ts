/**
 * Runs the operations given to it one after the other, each after the previous one settled, so two
 * quick changes to one file never both read the old contents and lose one. A failure is its
 * caller's alone; the next operation still runs.
 */
export function oneAtATime(): <T>(operation: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve()
  return (operation) => {
    const result = queue.then(operation)
    queue = result.catch(() => undefined)
    return result
  }
}
