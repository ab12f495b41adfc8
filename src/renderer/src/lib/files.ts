/** Bytes (a file, a recording, a drawn image) as the contract carries them: base64. */
export async function base64OfBlob(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer())
  let binary = ''
  for (let offset = 0; offset < bytes.length; offset += 0x8000) binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000))
  return btoa(binary)
}

/** A picked or dropped file as the contract carries it: name plus base64 bytes. */
export async function readFileForIpc(file: File): Promise<{ fileName: string; base64: string }> {
  return { fileName: file.name, base64: await base64OfBlob(file) }
}

/** Tags typed as "snap, ovo" → ["snap", "ovo"]. */
export const parseTags = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((tag) => tag.trim().toLowerCase())
    .filter(Boolean)
