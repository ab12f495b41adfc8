import { chromium, type Browser } from 'playwright-core'

/** Chromium's own test camera (a moving test pattern) in place of a real one, granted without a prompt. */
const FAKE_CAMERA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']

/** Debian's Chromium, headless, with the flags that keep it off this machine's closed network; `fakeCamera` gives it a camera. */
export function launchChromium(options: { fakeCamera?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', ...(options.fakeCamera ? FAKE_CAMERA_ARGS : [])],
  })
}
