/**
 * RFC 4180 CSV, safe to open in a spreadsheet: fields with a comma, quote or line break are quoted,
 * and a field that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with
 * an apostrophe, because a file name like `=HYPERLINK(…)` is attacker-controlled text in a report
 * a compliance officer opens.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | undefined | null)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}

function csvField(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
