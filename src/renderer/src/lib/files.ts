/** A picked or dropped file as the contract carries it: name plus base64 bytes. */
export async function readFileForIpc(file: File): Promise<{ fileName: string; base64: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  for (let offset = 0; offset < bytes.length; offset += 0x8000) binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000))
  return { fileName: file.name, base64: btoa(binary) }
}

/** Tags typed as "snap, ovo" → ["snap", "ovo"]. */
export const parseTags = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((tag) => tag.trim().toLowerCase())
    .filter(Boolean)
