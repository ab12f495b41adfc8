/// <reference types="vite/client" />
import type { TekenApi } from '../../shared/api'

declare global {
  interface Window {
    /** Exposed by the preload (Electron) or the web harness bridge; the renderer's only way to main. */
    readonly teken: TekenApi
  }
}
