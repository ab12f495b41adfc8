import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

// `npm test` builds before vitest runs; these check what `npm run build` emitted and what packaging would ship.
describe('build output', () => {
  it('emits out/main, out/preload and out/renderer', () => {
    for (const file of ['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html']) expect(existsSync(file), file).toBe(true)
  })

  it('builds main with contextIsolation and sandbox on, nodeIntegration off', () => {
    const main = readFileSync('out/main/index.js', 'utf8')
    expect(main).toMatch(/contextIsolation:\s*(true|!0)/)
    expect(main).toMatch(/sandbox:\s*(true|!0)/)
    expect(main).toMatch(/nodeIntegration:\s*(false|!1)/)
    expect(main).not.toMatch(/(contextIsolation|sandbox):\s*(false|!1)/)
    expect(main).not.toMatch(/nodeIntegration:\s*(true|!0)/)
  })

  it('bundles the sandboxed preload so it requires nothing but electron', () => {
    const preload = readFileSync('out/preload/index.js', 'utf8')
    const requires = new Set([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]))
    expect([...requires]).toEqual(['electron'])
  })

  it('configures electron-builder with the hardening fuses, unpacked native modules and every target', () => {
    const config = parse(readFileSync('electron-builder.yml', 'utf8')) as {
      electronFuses: Record<string, boolean>
      asar: boolean
      asarUnpack: string[]
      files: string[]
      win: { target: string }
      mac: { target: string }
      linux: { target: string[]; icon: string }
    }
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    })
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toContain('**/*.node')
    expect(config.win.target).toBe('nsis')
    expect(config.mac.target).toBe('dmg')
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.files).not.toContain('src/**')
    expect(existsSync(config.linux.icon)).toBe(true)
  })
})
