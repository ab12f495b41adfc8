import { vi } from 'vitest'

/** An OS clipboard in memory: what was written last is what is read, and `text` is there to look at or overwrite (the user copying something else). */
export function fakeClipboard() {
  const clipboard = {
    text: '',
    writeText: vi.fn(async (text: string) => void (clipboard.text = text)),
    readText: vi.fn(async () => clipboard.text),
    clear: vi.fn(() => void (clipboard.text = '')),
  }
  return clipboard
}

/** The main-owned reveal window, recording what it was asked to show. */
export const fakeSecretPresenter = () => ({ show: vi.fn(async (_title: string, _secret: string) => undefined) })
