/** Indonesia's western zone, where Teken's users and Peruri's timestamps live (UTC+7, no DST). */
export const WIB_TIME_ZONE = 'Asia/Jakarta'

const LOCALES = { id: 'id-ID', en: 'en-GB' } as const

/** "22 Nov 2026 12.07.05 WIB": the user's language, always WIB, whatever the machine's zone. */
export function formatWib(date: Date, language: keyof typeof LOCALES, options: { seconds?: boolean } = {}): string {
  const text = new Intl.DateTimeFormat(LOCALES[language], {
    timeZone: WIB_TIME_ZONE,
    day: '2-digit',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: options.seconds ? '2-digit' : undefined,
    hourCycle: 'h23',
  }).format(date)
  return `${text} WIB`
}
