const WIB_OFFSET_MS = 7 * 60 * 60 * 1000

/** Peruri writes times as "2026-08-29 13:47:49" with no zone: WIB (UTC+7). */
export function parseWibTimestamp(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim())
  if (!match) return undefined
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[]
  return new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) - WIB_OFFSET_MS)
}

export function formatWibTimestamp(date: Date): string {
  return new Date(date.getTime() + WIB_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')
}
