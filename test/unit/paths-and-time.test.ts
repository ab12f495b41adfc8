import { describe, expect, it } from 'vitest'
import { resolveDataDir } from '../../src/main/platform/paths'
import { formatWib } from '../../src/shared/time'

describe('data folder', () => {
  it("matches Electron's userData on each platform", () => {
    expect(resolveDataDir({}, 'linux', '/home/ani')).toBe('/home/ani/.config/Teken')
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ani')).toBe('/xdg/Teken')
    expect(resolveDataDir({}, 'darwin', '/Users/ani')).toBe('/Users/ani/Library/Application Support/Teken')
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\ani\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ani')).toMatch(/Roaming[\\/]Teken$/)
  })

  it('is moved by TEKEN_DATA_DIR', () => {
    expect(resolveDataDir({ TEKEN_DATA_DIR: '/tmp/x' }, 'linux', '/home/ani')).toBe('/tmp/x')
  })
})

describe('WIB time', () => {
  // 23:30 UTC is 06:30 the next day in Jakarta, whatever zone the machine runs in.
  const instant = new Date('2026-11-21T23:30:05Z')

  it('shows Jakarta time with a WIB suffix in both languages', () => {
    expect(formatWib(instant, 'id')).toMatch(/^22 Nov 2026,? 06\.30 WIB$/)
    expect(formatWib(instant, 'en')).toMatch(/^22 Nov 2026,? 06:30 WIB$/)
    expect(formatWib(instant, 'en', { seconds: true })).toMatch(/06:30:05 WIB$/)
  })
})
