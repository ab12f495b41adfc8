import { useState, type FormEvent } from 'react'
import type { PdfRect } from '../../../../shared/pdf-types'
import { normalizePdfRect, type PageView } from '../../../../shared/placement/geometry'
import { SignPanel } from '../documents/SignPanel'
import { PeruriSignPanel } from '../peruri/PeruriSignPanel'
import { TemplatePanel } from './TemplatePanel'
import { useT } from '../../i18n/useT'
import { usePlacement } from '../../stores'

const CORNERS = ['llx', 'lly', 'urx', 'ury'] as const

/** Signers and the selected box's settings; coordinates are PDF points, editable to the decimal. */
export function PlacementPanel({ docId, pages, currentPage, onShowPage }: { docId: string; pages: readonly PageView[]; currentPage: number; onShowPage(pageNumber: number): void }) {
  const pageCount = pages.length
  const t = useT()
  const { signers, boxes, selectedId, activeSignerId, drawing, setDrawing, addSigner, setActiveSigner, addBox, updateBox, removeBox, select } = usePlacement()

  /** Without a mouse: a box in the middle of the current page, 150 × 50 units, then arrows and numbers. */
  function addBoxHere() {
    const page = pages[currentPage - 1]
    if (!page) return
    const [llx, lly, urx, ury] = page.cropBox
    const centerX = (llx + urx) / 2
    const centerY = (lly + ury) / 2
    const halfWidth = Math.min(75, (urx - llx) / 2)
    const halfHeight = Math.min(25, (ury - lly) / 2)
    addBox(currentPage, [centerX - halfWidth, centerY - halfHeight, centerX + halfWidth, centerY + halfHeight])
  }
  const [newSigner, setNewSigner] = useState('')
  const selected = boxes.find((box) => box.id === selectedId)

  function submitSigner(event: FormEvent) {
    event.preventDefault()
    if (!newSigner.trim()) return
    addSigner(newSigner.trim())
    setNewSigner('')
  }

  function setCorner(index: number, value: string) {
    if (!selected) return
    const number = Number(value)
    if (!Number.isFinite(number)) return
    const rect = [...selected.rect] as [number, number, number, number]
    rect[index] = number
    updateBox(selected.id, { rect: normalizePdfRect(rect as PdfRect) })
  }

  return (
    <aside className="placement-panel" aria-label={t('place.panel')}>
      <section>
        <h3>{t('place.signers')}</h3>
        <ul className="signers">
          {signers.map((signer) => (
            <li key={signer.id}>
              <label className="inline">
                <input type="radio" name="active-signer" checked={signer.id === activeSignerId} onChange={() => setActiveSigner(signer.id)} />
                <span className="swatch" style={{ background: signer.color }} aria-hidden="true" />
                {signer.name}
              </label>
            </li>
          ))}
        </ul>
        <form className="form-row" onSubmit={submitSigner}>
          <label>
            {t('place.signer.new')}
            <input value={newSigner} onChange={(event) => setNewSigner(event.target.value)} />
          </label>
          <button type="submit">{t('place.signer.add')}</button>
        </form>
        <div className="actions">
          <button type="button" className={drawing ? 'primary' : ''} aria-pressed={drawing} onClick={() => setDrawing(!drawing)}>
            {drawing ? t('place.draw.on') : t('place.draw.off')}
          </button>
          <button type="button" onClick={addBoxHere}>
            {t('place.add', { page: currentPage })}
          </button>
        </div>
        <p className="muted">{t('place.keys')}</p>
      </section>

      <section>
        <h3>{t('place.boxes', { count: boxes.length })}</h3>
        <ul className="box-list">
          {boxes.map((box) => (
            <li key={box.id}>
              <button type="button" className={box.id === selectedId ? 'selected' : ''} onClick={() => (select(box.id), onShowPage(box.pageNumber))}>
                <span className="swatch" style={{ background: signers.find((signer) => signer.id === box.signerId)?.color }} aria-hidden="true" />
                {t('place.box.short', { page: box.pageNumber, rect: box.rect.map((value) => value.toFixed(1)).join(', ') })}
              </button>
            </li>
          ))}
        </ul>
      </section>

      <TemplatePanel pages={pages} />
      <SignPanel docId={docId} />
      <PeruriSignPanel docId={docId} />

      {selected && (
        <section className="box-editor" data-testid="box-editor">
          <h3>{t('place.selected')}</h3>
          <div className="form-row">
            <label>
              {t('place.page')}
              <input type="number" min={1} max={pageCount} value={selected.pageNumber} onChange={(event) => Number(event.target.value) >= 1 && Number(event.target.value) <= pageCount && updateBox(selected.id, { pageNumber: Number(event.target.value) })} />
            </label>
            <label>
              {t('place.signer')}
              <select value={selected.signerId} onChange={(event) => updateBox(selected.id, { signerId: event.target.value })}>
                {signers.map((signer) => (
                  <option key={signer.id} value={signer.id}>
                    {signer.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <fieldset className="coordinates">
            <legend>{t('place.coordinates')}</legend>
            {CORNERS.map((corner, index) => (
              <label key={corner}>
                {corner.toUpperCase()}
                <input type="number" step={0.5} value={Number(selected.rect[index]!.toFixed(2))} onChange={(event) => setCorner(index, event.target.value)} data-testid={`coord-${corner}`} />
              </label>
            ))}
          </fieldset>
          <label>
            {t('place.templatePage')}
            <select value={selected.templatePage} onChange={(event) => updateBox(selected.id, { templatePage: event.target.value as typeof selected.templatePage })}>
              <option value="this">{t('place.templatePage.this', { page: selected.pageNumber })}</option>
              <option value="last">{t('place.templatePage.last')}</option>
              <option value="every">{t('place.templatePage.every')}</option>
            </select>
          </label>
          <label className="inline">
            <input type="checkbox" checked={selected.visible} onChange={(event) => updateBox(selected.id, { visible: event.target.checked })} />
            {t('place.visible')}
          </label>
          <div className="form-row">
            <label>
              {t('place.reason')}
              <input value={selected.reason} onChange={(event) => updateBox(selected.id, { reason: event.target.value })} />
            </label>
            <label>
              {t('place.location')}
              <input value={selected.location} onChange={(event) => updateBox(selected.id, { location: event.target.value })} />
            </label>
            <label>
              {t('place.certification')}
              <select value={selected.certificationLevel} onChange={(event) => updateBox(selected.id, { certificationLevel: event.target.value as typeof selected.certificationLevel })}>
                <option value="NOT_CERTIFIED">{t('place.cert.none')}</option>
                <option value="NO_CHANGES_ALLOWED">{t('place.cert.noChanges')}</option>
              </select>
            </label>
          </div>
          <button type="button" className="danger-outline" onClick={() => removeBox(selected.id)}>
            {t('vault.delete')}
          </button>
        </section>
      )}
    </aside>
  )
}
