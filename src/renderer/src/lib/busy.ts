/**
 * A store's `busy` flag around its main-process calls: raised while a call runs and lowered
 * whatever happens, so a failed call never leaves the buttons disabled.
 */
export function busyWhile(set: (state: { busy: boolean }) => void) {
  return async <T>(call: () => Promise<T>): Promise<T> => {
    set({ busy: true })
    try {
      return await call()
    } finally {
      set({ busy: false })
    }
  }
}
