import { useEffect, useId, useState, type FormEvent } from 'react'
import { OVO_STEP_STATUSES, type OvoPartnerView, type OvoStepView } from '../../../../shared/contract'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useT } from '../../i18n/useT'
import { useNavigation, useOvoOnboarding, useVault } from '../../stores'

/** Seed 000's OVO onboarding checklist per partner: status, dates, a note and the vault items each step used. */
export function OvoOnboarding() {
  const t = useT()
  const titleId = useId()
  const { partners, selectedId, busy, load, select, add, rename, remove } = useOvoOnboarding()
  const refreshVault = useVault((state) => state.refresh)
  const [newName, setNewName] = useState('')
  const [confirmRemove, setConfirmRemove] = useState(false)
  useEffect(() => {
    void load()
    void refreshVault()
  }, [load, refreshVault])
  const partner = partners.find((candidate) => candidate.id === selectedId)

  async function submitNew(event: FormEvent) {
    event.preventDefault()
    if (await add(newName.trim())) setNewName('')
  }

  return (
    <section className="card ovo-onboarding" aria-labelledby={titleId} data-testid="ovo-onboarding">
      <h2 id={titleId}>{t('ovo.title')}</h2>
      <p className="muted">{t('ovo.intro')}</p>
      <form className="form-row" onSubmit={(event) => void submitNew(event)}>
        <label>
          {t('ovo.partner.new')}
          <input value={newName} onChange={(event) => setNewName(event.target.value)} maxLength={80} required />
        </label>
        <button type="submit" disabled={busy || newName.trim() === ''}>
          {t('ovo.partner.add')}
        </button>
      </form>

      {partners.length === 0 && <p>{t('ovo.empty')}</p>}
      {partner && (
        <>
          <div className="form-row">
            <label>
              {t('ovo.partner')}
              <select value={partner.id} onChange={(event) => select(event.target.value)}>
                {partners.map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.name}
                  </option>
                ))}
              </select>
            </label>
            <PartnerRename key={partner.id} partner={partner} busy={busy} onRename={(name) => rename(partner.id, name)} />
            <button type="button" className="danger" disabled={busy} onClick={() => setConfirmRemove(true)}>
              {t('ovo.partner.remove')}
            </button>
          </div>
          <ol className="ovo-steps">
            {partner.steps.map((step) => (
              <OvoStepCard key={`${partner.id}:${step.step}`} partnerId={partner.id} step={step} />
            ))}
          </ol>
          <ConfirmDialog
            open={confirmRemove}
            title={t('ovo.partner.remove.title', { name: partner.name })}
            confirmLabel={t('ovo.partner.remove')}
            cancelLabel={t('common.cancel')}
            danger
            onCancel={() => setConfirmRemove(false)}
            onConfirm={() => {
              setConfirmRemove(false)
              void remove(partner.id)
            }}
          >
            <p>{t('ovo.partner.remove.body')}</p>
          </ConfirmDialog>
        </>
      )}
    </section>
  )
}

function PartnerRename({ partner, busy, onRename }: { partner: OvoPartnerView; busy: boolean; onRename(name: string): Promise<boolean> }) {
  const t = useT()
  const [name, setName] = useState(partner.name)
  const changed = name.trim() !== '' && name.trim() !== partner.name
  return (
    <>
      <label>
        {t('ovo.partner.name')}
        <input value={name} onChange={(event) => setName(event.target.value)} maxLength={80} />
      </label>
      <button type="button" disabled={busy || !changed} onClick={() => void onRename(name.trim())}>
        {t('ovo.partner.rename')}
      </button>
    </>
  )
}

function OvoStepCard({ partnerId, step }: { partnerId: string; step: OvoStepView }) {
  const t = useT()
  const titleId = useId()
  const { busy, updateStep, link, unlink } = useOvoOnboarding()
  const vaultItems = useVault((state) => state.items)
  const go = useNavigation((state) => state.go)
  const [note, setNote] = useState(step.note)
  const [itemId, setItemId] = useState('')
  const linkable = vaultItems.filter((item) => !step.links.some((linked) => linked.itemId === item.id))
  const update = (patch: Parameters<typeof updateStep>[2]) => void updateStep(partnerId, step.step, patch)

  return (
    <li className={`ovo-step ovo-step-${step.status}`} aria-labelledby={titleId} data-testid={`ovo-step-${step.step}`}>
      <h3 id={titleId}>{t(`ovo.step.${step.step}`)}</h3>
      <p>{t(`ovo.step.${step.step}.purpose`)}</p>
      <p className="muted">{t(`ovo.step.${step.step}.requires`)}</p>
      <div className="form-row">
        <label>
          {t('ovo.status')}
          <select value={step.status} disabled={busy} onChange={(event) => update({ status: event.target.value as OvoStepView['status'] })}>
            {OVO_STEP_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`ovo.status.${status}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('ovo.startedOn')}
          <input type="date" value={step.startedOn ?? ''} disabled={busy} onChange={(event) => update({ startedOn: event.target.value || null })} />
        </label>
        <label>
          {t('ovo.doneOn')}
          <input type="date" value={step.doneOn ?? ''} disabled={busy} onChange={(event) => update({ doneOn: event.target.value || null })} />
        </label>
      </div>
      <label className="block">
        {t('ovo.note')}
        <textarea value={note} rows={2} maxLength={2000} onChange={(event) => setNote(event.target.value)} onBlur={() => note !== step.note && update({ note })} />
      </label>

      <h4>{t('ovo.links')}</h4>
      {step.links.length === 0 && <p className="muted">{t('ovo.links.none')}</p>}
      <ul className="ovo-links">
        {step.links.map((linked) => (
          <li key={linked.itemId}>
            <span className="muted">{t(`ovo.link.${linked.kind}`)}</span>{' '}
            {linked.inVault ? (
              <button type="button" className="link" onClick={() => go('keys')}>
                {linked.name}
              </button>
            ) : (
              <span>{t('ovo.link.gone', { name: linked.name })}</span>
            )}{' '}
            <button type="button" disabled={busy} aria-label={t('ovo.unlink.label', { name: linked.name })} onClick={() => void unlink(partnerId, step.step, linked.itemId)}>
              {t('ovo.unlink')}
            </button>
          </li>
        ))}
      </ul>
      {linkable.length > 0 && (
        <div className="form-row">
          <label>
            {t('ovo.link.item')}
            <select value={itemId} onChange={(event) => setItemId(event.target.value)}>
              <option value="">{t('ovo.link.choose')}</option>
              {linkable.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name} ({item.type})
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            disabled={busy || itemId === ''}
            onClick={() => {
              void link(partnerId, step.step, itemId)
              setItemId('')
            }}
          >
            {t('ovo.link')}
          </button>
        </div>
      )}
    </li>
  )
}
