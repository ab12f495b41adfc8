/** Indonesia's western zone, where Teken's users and Peruri's timestamps live (UTC+7, no DST). */
export const WIB_TIME_ZONE = 'Asia/Jakarta'

const LOCALES = { id: 'id-ID', en: 'en-GB' } as const

// Building an Intl.DateTimeFormat costs ~40 µs; batches format a time per signature, so keep them.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(language: keyof typeof LOCALES, seconds: boolean): Intl.DateTimeFormat {
  const key = `${language}:${seconds}`
  let cached = formatters.get(key)
  if (!cached) {
    cached = new Intl.DateTimeFormat(LOCALES[language], {
      timeZone: WIB_TIME_ZONE,
      day: '2-digit',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: seconds ? '2-digit' : undefined,
      hourCycle: 'h23',
    })
    formatters.set(key, cached)
  }
  return cached
}

/** "22 Nov 2026 12.07.05 WIB": the user's language, always WIB, whatever the machine's zone. */
export function formatWib(date: Date, language: keyof typeof LOCALES, options: { seconds?: boolean } = {}): string {
  return `${formatter(language, options.seconds ?? false).format(date)} WIB`
}

/** A duration as people say it: "45 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
