/** How a profile writes X-TIMESTAMP: SNAP's `yyyy-MM-ddTHH:mm:ss+07:00` (WIB), or UTC with milliseconds as some SDKs send. */
export type SnapTimestampFormat = 'wib' | 'utc-millis'

const WIB_OFFSET_MS = 7 * 3600_000

/**
 * X-TIMESTAMP for `date`. The caller signs this exact string and sends it unchanged as the header,
 * because the provider verifies the signature over the header's bytes.
 */
export function formatSnapTimestamp(date: Date, format: SnapTimestampFormat = 'wib'): string {
  if (format === 'utc-millis') return date.toISOString()
  const wib = new Date(date.getTime() + WIB_OFFSET_MS)
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${wib.getUTCFullYear()}-${pad(wib.getUTCMonth() + 1)}-${pad(wib.getUTCDate())}T${pad(wib.getUTCHours())}:${pad(wib.getUTCMinutes())}:${pad(wib.getUTCSeconds())}+07:00`
}

/** `yyyy-MM-ddTHH:mm:ss` with optional milliseconds and a TZD (`Z` or `±HH:MM`), as SNAP's headers allow. */
const SNAP_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?(?:Z|[+-](\d{2}):(\d{2}))$/

/** The instant an X-TIMESTAMP names, or undefined when it is not in SNAP's format or names no real time. */
export function parseSnapTimestamp(value: string): Date | undefined {
  const match = SNAP_TIMESTAMP.exec(value)
  if (!match) return undefined
  const [year, month, day, hours, minutes, seconds, offsetHours, offsetMinutes] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number, number, number]
  // Date would roll 2020-02-30 over into March; a provider rejects it.
  const calendarDay = new Date(Date.UTC(year, month - 1, day))
  if (calendarDay.getUTCMonth() !== month - 1 || calendarDay.getUTCDate() !== day) return undefined
  if (hours > 23 || minutes > 59 || seconds > 59 || offsetHours > 14 || offsetMinutes > 59) return undefined
  return new Date(value)
}

/** The WIB calendar day of `date`, `yyyy-MM-dd`: X-EXTERNAL-ID must be unique within one. */
export function wibDay(date: Date): string {
  return formatSnapTimestamp(date).slice(0, 10)
}
