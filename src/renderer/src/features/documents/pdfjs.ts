import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist'
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url'
import { pageViewFromPdfJs } from '../../../../shared/placement/page-geometry'
import type { PageView } from '../../../../shared/placement/geometry'

// The worker is bundled with the app (CSP worker-src 'self'); nothing is fetched from elsewhere.
GlobalWorkerOptions.workerSrc = workerUrl

/** Where the build puts pdf.js's run-time assets (electron.vite.config.ts). */
const assetUrl = (folder: string) => new URL(`./pdfjs/${folder}/`, document.baseURI).href

export type PdfLoadFailure = 'password-required' | 'wrong-password' | 'damaged'

export interface LoadedPdf {
  pdf: PDFDocumentProxy
  /** Every page's visible box and rotation, for layout before any page is rendered. */
  pages: PageView[]
}

/**
 * Opens a document with pdf.js, with a copy of the bytes (pdf.js transfers its buffer to the worker)
 * and a typed reason when it cannot. pdfjs-dist 6 has no `isEvalSupported` option because it no
 * longer compiles font programs with `new Function` at all (the CVE-2024-4367 path); the renderer's
 * CSP (no 'unsafe-eval') would refuse it anyway.
 */
export async function loadPdf(data: Uint8Array, password?: string): Promise<LoadedPdf | PdfLoadFailure> {
  const task = getDocument({
    data: data.slice(),
    password,
    enableXfa: false,
    // WebAssembly would need 'wasm-unsafe-eval' in the CSP; pdf.js's JS decoders need nothing extra.
    useWasm: false,
    wasmUrl: assetUrl('wasm'),
    cMapUrl: assetUrl('cmaps'),
    standardFontDataUrl: assetUrl('standard_fonts'),
    iccUrl: assetUrl('iccs'),
  })
  try {
    const pdf = await task.promise
    const pages: PageView[] = []
    // Page dictionaries are cheap to read; reading them all lets the viewer lay out every page at once.
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) pages.push(pageViewFromPdfJs(await pdf.getPage(pageNumber)))
    return { pdf, pages }
  } catch (error) {
    const name = (error as { name?: string }).name
    if (name === 'PasswordException') return (error as { code?: number }).code === 2 ? 'wrong-password' : 'password-required'
    return 'damaged'
  }
}
