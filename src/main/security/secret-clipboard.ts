import type { Clipboard } from '../ports/desktop'

/** A copied secret is wiped from the clipboard after this long, if it is still what the clipboard holds. */
export const CLIPBOARD_CLEAR_MS = 30_000

/**
 * Puts a secret on the OS clipboard from main (so it never exists in renderer memory) and clears
 * it after `CLIPBOARD_CLEAR_MS`, but only if the clipboard still holds it: the user may have copied
 * something else since. Every copy of a secret (decrypted credentials, vault items) goes through here.
 */
export async function copySecretToClipboard(clipboard: Clipboard, secret: string): Promise<{ clearsAfterSeconds: number }> {
  await clipboard.writeText(secret)
  const timer = setTimeout(() => {
    void clipboard.readText().then(
      (current) => current === secret && clipboard.clear(),
      () => undefined,
    )
  }, CLIPBOARD_CLEAR_MS)
  timer.unref()
  return { clearsAfterSeconds: CLIPBOARD_CLEAR_MS / 1000 }
}
