import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { specimenPng } from '../unit/pdf/sign/support'
import { startBrowserApp, type BrowserApp } from '../support/browser-app'
import { routerCalls } from '../support/core'

const signer = {
  name: 'Rudi Hartono', phone: '081377788899', email: 'rudi.hartono@contoh.co.id', ktp: '3171011203880004', ktpPhoto: specimenPng().toString('base64'), address: 'Jl. Thamrin 5',
  city: 'Jakarta Pusat', province: 'DKI Jakarta', gender: 'M', placeOfBirth: 'Bogor', dateOfBirth: '12/03/1988',
}

describe('Video e-KYC recorded with a camera, in Chromium with its test camera', () => {
  let app: BrowserApp
  const { value } = routerCalls(() => app.testCore)

  beforeAll(async () => {
    app = await startBrowserApp({}, { fakeCamera: true })
  })
  afterAll(() => app?.close())

  it('turns the camera on, records a few seconds, sends the recording, and Peruri (the sandbox) takes it as the e-KYC video', async () => {
    // Registered and activated already: the e-KYC step is next.
    await value('peruriRegister', { env: 'sandbox', registration: signer })
    await value('peruriActivate', { env: 'sandbox', email: signer.email })
    const { page, consoleProblems } = await app.openPage({ viewport: { width: 1400, height: 1000 } })
    await page.keyboard.press('Alt+4')
    const steps = page.getByTestId('peruri-onboarding')
    await steps.getByLabel('Email penanda tangan').fill(signer.email)

    await steps.getByRole('button', { name: 'Nyalakan kamera' }).click()
    const preview = steps.getByLabel('Pratinjau kamera')
    // The preview plays the camera: frames arrive.
    await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => video.videoWidth > 0 && video.currentTime > 0), { timeout: 10_000 }).toBe(true)
    await steps.getByRole('button', { name: 'Mulai merekam' }).click()
    await page.waitForTimeout(2_000)
    await steps.getByRole('button', { name: 'Berhenti merekam' }).click()
    await steps.getByText(/^Rekaman siap \(\d+ dtk\)\.$/).waitFor()
    // Recording ends the camera: the preview is gone.
    await expect(steps.getByLabel('Pratinjau kamera').count()).resolves.toBe(0)

    await steps.getByRole('button', { name: 'Kirim video' }).click()
    await steps.getByRole('heading', { name: /E-KYC video ✓ Selesai/ }).waitFor()
    // The sandbox checked that it is a video (Chromium records WebM) and recorded the e-KYC as passed.
    const state = JSON.parse(await readFile(join(app.testCore.core.services.sandboxHost.stateDir('peruri'), 'state.json'), 'utf8')) as { users: { email: string; ekycPassed: boolean }[] }
    expect(state.users.find((user) => user.email === signer.email)).toMatchObject({ ekycPassed: true })
    expect(consoleProblems).toEqual([])
  })
})
