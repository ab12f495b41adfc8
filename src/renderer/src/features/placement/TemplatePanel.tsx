import { useState, type FormEvent } from 'react'
import { TekenError } from '../../../../shared/errors'
import type { PageView } from '../../../../shared/placement/geometry'
import { applyTemplate, createTemplateFromBoxes, parseTemplateText } from '../../../../shared/placement/template'
import { FileDrop } from '../../components/FileDrop'
import { useT } from '../../i18n/useT'
import { reportError, useDocuments, usePlacement, useToasts } from '../../stores'

/** Save the boxes as a reusable template, or place boxes from a template file onto this document. */
export function TemplatePanel({ pages }: { pages: readonly PageView[] }) {
  const t = useT()
  const { boxes, signers, replaceBoxes } = usePlacement()
  const saveTemplate = useDocuments((state) => state.saveTemplate)
  const push = useToasts((state) => state.push)
  const [name, setName] = useState('')

  // Template rules throw TekenErrors in the renderer too; show them like main's.
  function guarded<T>(work: () => T): T | undefined {
    try {
      return work()
    } catch (error) {
      if (error instanceof TekenError) reportError(error.toIpcError())
      else throw error
      return undefined
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault()
    const template = guarded(() =>
      createTemplateFromBoxes({
        name,
        boxes: boxes.map((box) => ({
          page: box.templatePage === 'this' ? box.pageNumber : box.templatePage,
          drawnOn: pages[box.pageNumber - 1]!,
          rect: box.rect,
          visible: box.visible,
          reason: box.reason || undefined,
          location: box.location || undefined,
          certificationLevel: box.certificationLevel,
          signer: signers.find((signer) => signer.id === box.signerId)?.name,
        })),
      }),
    )
    if (!template) return
    const path = await saveTemplate(name, `${JSON.stringify(template, null, 2)}\n`)
    if (path !== undefined) push({ kind: 'info', title: t('vault.saved', { path }) })
  }

  async function apply(file: File) {
    const text = await file.text()
    const placements = guarded(() => applyTemplate(parseTemplateText(text), pages))
    if (!placements) return
    replaceBoxes(
      placements.map((placement) => ({ pageNumber: placement.pageNumber, rect: placement.rect, visible: placement.visible, reason: placement.reason ?? '', location: placement.location ?? '', certificationLevel: placement.certificationLevel, templatePage: 'this' as const })),
      placements.map((placement) => placement.signer),
    )
    push({ kind: 'info', title: t('place.template.applied', { count: placements.length }) })
  }

  return (
    <section aria-labelledby="template-title">
      <h3 id="template-title">{t('place.template')}</h3>
      <form className="form-row" onSubmit={(event) => void save(event)}>
        <label>
          {t('place.template.name')}
          <input required maxLength={120} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <button type="submit" disabled={boxes.length === 0}>
          {t('place.template.save')}
        </button>
      </form>
      <FileDrop label={t('place.template.apply')} hint={t('place.template.hint')} accept=".json,application/json" onFile={(file) => void apply(file)} testId="template-drop" />
    </section>
  )
}
