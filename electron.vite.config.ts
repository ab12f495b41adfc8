import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

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
    plugins: [react()],
    build: { outDir: 'out/renderer' },
  },
})
