import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isAppUrl } from '../../src/main/security/app-origin'
import { serveAppAsset } from '../../src/main/security/app-assets'
import { buildContentSecurityPolicy, webViewFrameSources } from '../../src/main/security/csp'
import { checkExternalUrl, isAllowedExternalUrl } from '../../src/main/security/external-links'
import { createCameraGrant, decidePermission } from '../../src/main/security/permissions'
import { TekenError } from '../../src/shared/errors'

describe('Content-Security-Policy', () => {
  const directives = (policy: string) => new Map(policy.split('; ').map((part) => [part.split(' ')[0], part.split(' ').slice(1).join(' ')]))

  it('is the strict baseline: nothing by default, scripts and workers from the app only', () => {
    const csp = directives(buildContentSecurityPolicy())
    expect(csp.get('default-src')).toBe("'none'")
    expect(csp.get('script-src')).toBe("'self'")
    expect(csp.get('worker-src')).toBe("'self' blob:")
    expect(csp.get('connect-src')).toBe("'self'")
    expect(csp.get('object-src')).toBe("'none'")
    expect(csp.get('frame-ancestors')).toBe("'none'")
    expect(buildContentSecurityPolicy()).not.toMatch(/unsafe-(eval|inline)/)
    expect(csp.get('frame-src')).toBe("'none'")
  })

  it("frames only Peruri's web views: the sandbox's loopback and exact https origins of configured ones", () => {
    const framing = directives(buildContentSecurityPolicy([], webViewFrameSources(['https://webview.peruri.example', 'https://webview.peruri.example', "https://x.example 'unsafe-inline'", 'http://plain.example'])))
    expect(framing.get('frame-src')).toBe('http://127.0.0.1:* https://webview.peruri.example')
    expect(framing.get('default-src')).toBe("'none'")
    expect(framing.get('frame-ancestors')).toBe("'none'")
  })

  it('adds only the given connect sources (the web harness socket)', () => {
    const csp = directives(buildContentSecurityPolicy(['ws://127.0.0.1:4321']))
    expect(csp.get('connect-src')).toBe("'self' ws://127.0.0.1:4321")
    expect(csp.get('script-src')).toBe("'self'")
  })
})

describe('external links', () => {
  it('allows https links to allowlisted hosts only', () => {
    expect(isAllowedExternalUrl('https://www.peruri.co.id/layanan')).toBe(true)
    expect(isAllowedExternalUrl('https://apidevportal.aspi-indonesia.or.id/')).toBe(true)
    for (const url of [
      'http://www.peruri.co.id/',
      'https://www.peruri.co.id.evil.example/',
      'https://evil.example/?https://www.peruri.co.id',
      'https://user:pw@www.peruri.co.id/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'app://teken/index.html',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false)
    }
  })

  it('says why a link was refused', () => {
    expect(() => checkExternalUrl('https://evil.example/')).toThrow(/does not open links to evil\.example/)
    expect(() => checkExternalUrl('http://www.peruri.co.id/')).toThrow(/Only https/)
    try {
      checkExternalUrl('nope')
    } catch (error) {
      expect(error).toBeInstanceOf(TekenError)
      expect((error as TekenError).code).toBe('EXTERNAL_LINK_REJECTED')
    }
  })
})

describe('app origin', () => {
  it('recognises only app://teken', () => {
    expect(isAppUrl('app://teken/index.html')).toBe(true)
    expect(isAppUrl('app://teken.evil/index.html')).toBe(false)
    expect(isAppUrl('https://teken/index.html')).toBe(false)
    expect(isAppUrl('file:///app/index.html')).toBe(false)
  })
})

describe('permissions', () => {
  let now = 1_000_000
  const clock = { now: () => new Date(now) }
  const appMainFrame = { requestingUrl: 'app://teken/index.html', isMainFrame: true }

  it('grants the camera only while the e-KYC screen has armed it, video only, app main frame only', () => {
    const camera = createCameraGrant(clock, 60_000)
    const video = { ...appMainFrame, permission: 'media', mediaTypes: ['video'] }
    expect(decidePermission(video, camera, isAppUrl)).toBe(false)
    camera.arm()
    expect(decidePermission(video, camera, isAppUrl)).toBe(true)
    expect(decidePermission({ ...video, mediaTypes: ['video', 'audio'] }, camera, isAppUrl)).toBe(false)
    expect(decidePermission({ ...video, mediaTypes: [] }, camera, isAppUrl)).toBe(false)
    expect(decidePermission({ ...video, isMainFrame: false }, camera, isAppUrl)).toBe(false)
    expect(decidePermission({ ...video, requestingUrl: 'https://evil.example/' }, camera, isAppUrl)).toBe(false)
    expect(decidePermission({ ...appMainFrame, permission: 'notifications' }, camera, isAppUrl)).toBe(false)
    now += 60_001
    expect(decidePermission(video, camera, isAppUrl)).toBe(false)
  })
})

describe('renderer assets', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'teken-assets-'))
    await writeFile(join(root, 'index.html'), '<html></html>')
    await writeFile(join(`${root}-sibling.txt`), 'outside')
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
    await rm(`${root}-sibling.txt`, { force: true })
  })

  it('serves files inside the root with the CSP, nosniff and a content type', async () => {
    const asset = await serveAppAsset(root, '/', 'default-src x')
    expect(asset.status).toBe(200)
    expect(asset.headers).toMatchObject({ 'Content-Security-Policy': 'default-src x', 'X-Content-Type-Options': 'nosniff', 'Content-Type': 'text/html; charset=utf-8' })
  })

  it('never serves anything outside the root', async () => {
    const sibling = `/../${root.split('/').at(-1)}-sibling.txt`
    for (const path of ['/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', sibling, '/index.html%00.js', '/%E0%A4%A', '/missing.js']) {
      const asset = await serveAppAsset(root, path, 'x')
      expect(asset.status, path).not.toBe(200)
    }
  })
})
