import { useEffect, useState } from 'react'
import { pdfRectToViewport } from '../../../../shared/placement/geometry'
import { applyTemplate, type PlacementTemplate, type ResolvedPlacement } from '../../../../shared/placement/template'
import { TekenError } from '../../../../shared/errors'
import { useT } from '../../i18n/useT'
import { loadPdf, type LoadedPdf } from '../documents/pdfjs'
import { PdfPage } from '../documents/PdfPage'

const PREVIEW_SCALE = 0.6

/** Where the template's boxes land on the batch's first document, before anything is sent. */
export function PlacementPreview({ file, template }: { file: File; template: PlacementTemplate }) {
  const t = useT()
  const [loaded, setLoaded] = useState<LoadedPdf | 'unreadable'>()
  useEffect(() => {
    let current = true
    void file
      .arrayBuffer()
      .then((bytes) => loadPdf(new Uint8Array(bytes)))
      .then((result) => current && setLoaded(typeof result === 'string' ? 'unreadable' : result))
    return () => {
      current = false
    }
  }, [file])

  if (!loaded) return <p className="muted">{t('batch.preview.loading')}</p>
  if (loaded === 'unreadable') return <p className="error-text">{t('batch.preview.unreadable', { file: file.name })}</p>
  let placements: ResolvedPlacement[]
  try {
    placements = applyTemplate(template, loaded.pages)
  } catch (error) {
    if (!(error instanceof TekenError)) throw error
    return <p className="error-text">{t('batch.preview.misfit', { file: file.name, reason: error.message })}</p>
  }
  const pageNumber = placements[0]!.pageNumber
  const view = loaded.pages[pageNumber - 1]!
  return (
    <figure className="batch-preview" data-testid="batch-preview">
      <PdfPage pdf={loaded.pdf} pageNumber={pageNumber} view={view} scale={PREVIEW_SCALE} label={t('batch.preview.page', { file: file.name, page: pageNumber })}>
        {placements
          .filter((placement) => placement.pageNumber === pageNumber)
          .map((placement, index) => {
            const box = pdfRectToViewport(view, PREVIEW_SCALE, placement.rect)
            return <div key={index} className="preview-box" style={{ left: box.x, top: box.y, width: box.width, height: box.height }} data-testid="preview-box" />
          })}
      </PdfPage>
      <figcaption className="muted">{t('batch.preview.caption', { file: file.name, count: placements.length, page: pageNumber, pages: loaded.pages.length })}</figcaption>
    </figure>
  )
}
