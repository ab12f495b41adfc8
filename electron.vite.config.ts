import { cpSync } from 'node:fs'
import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'

/**
 * pdf.js loads its image decoders (JBIG2, JPEG 2000), CMaps, standard fonts and ICC profiles by URL
 * at run time. Ship them with the renderer so nothing is fetched from elsewhere (CSP: 'self' only).
 */
const pdfjsAssets = (): Plugin => ({
  name: 'teken-pdfjs-assets',
  apply: 'build',
  writeBundle(options) {
    for (const folder of ['wasm', 'cmaps', 'standard_fonts', 'iccs']) {
      cpSync(resolve('node_modules/pdfjs-dist', folder), resolve(options.dir ?? 'out/renderer', 'pdfjs', folder), { recursive: true })
    }
  },
})

export default defineConfig({
  main: {
    build: { outDir: 'out/main' },
  },
  preload: {
    // A sandboxed preload can only require('electron'): bundle everything else (zod) into it.
    build: { outDir: 'out/preload', externalizeDeps: false },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), pdfjsAssets()],
    build: { outDir: 'out/renderer' },
  },
})
