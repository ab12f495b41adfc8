import { useEffect } from 'react'
import { AUDIT_ACTION_GROUPS, type AuditEntryView } from '../../../../shared/contract'
import { formatWib } from '../../../../shared/time'
import { useT } from '../../i18n/useT'
import { useAudit, useSettings, useToasts } from '../../stores'

/** How much of an entry's details the table shows; the cell's title and the CSV have all of it. */
const DETAILS_SHOWN = 140

function detailsSummary(details: AuditEntryView['details']): string {
  return Object.entries(details)
    .map(([name, value]) => `${name}: ${value}`)
    .join(' · ')
}

/** The app's hash-chained audit log: is the chain intact, what happened, and a CSV copy for compliance. */
export function AuditScreen() {
  const t = useT()
  const { verification, refresh } = useAudit()
  useEffect(() => void refresh(), [refresh])
  return (
    <>
      <section className="card" data-testid="audit-verification" aria-live="polite">
        <p className="muted">{t('audit.intro')}</p>
        {!verification ? (
          <p className="muted">{t('audit.verifying')}</p>
        ) : verification.ok ? (
          <p className="ok">{t('audit.intact', { n: verification.entries })}</p>
        ) : (
          <div className="problem-detail" role="alert">
            <p className="problem">{t('audit.broken', { seq: verification.brokenAt ?? 0, reason: verification.reason ?? '' })}</p>
            <p>{t('audit.broken.note')}</p>
          </div>
        )}
      </section>
      <AuditEntries />
    </>
  )
}

function AuditEntries() {
  const t = useT()
  const language = useSettings((state) => state.settings.language)
  const push = useToasts((state) => state.push)
  const { entries, more, filters, loaded, busy, setFilters, loadMore, refresh, exportCsv } = useAudit()
  const filtered = filters.search.trim() !== '' || filters.group !== ''

  async function exportLog() {
    const name = await exportCsv()
    if (name !== undefined) push({ kind: 'info', title: t('audit.exported', { name }) })
  }

  return (
    <section className="card audit-log" aria-label={t('nav.audit')}>
      <div className="form-row">
        <label>
          {t('audit.search')}
          <input type="search" value={filters.search} maxLength={200} onChange={(event) => void setFilters({ search: event.target.value })} />
        </label>
        <label>
          {t('audit.group')}
          <select value={filters.group} onChange={(event) => void setFilters({ group: event.target.value })}>
            <option value="">{t('audit.group.all')}</option>
            {AUDIT_ACTION_GROUPS.map((group) => (
              <option key={group} value={group}>
                {t(`audit.group.${group}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={busy} onClick={() => void refresh()}>
          {t('audit.refresh')}
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => void exportLog()}>
          {t('audit.export')}
        </button>
      </div>

      {loaded && entries.length === 0 && <p className="muted">{filtered ? t('audit.none') : t('audit.empty')}</p>}
      {entries.length > 0 && (
        <table className="items audit-entries" data-testid="audit-entries">
          <thead>
            <tr>
              <th scope="col">{t('audit.col.seq')}</th>
              <th scope="col">{t('audit.col.at')}</th>
              <th scope="col">{t('audit.col.action')}</th>
              <th scope="col">{t('audit.col.subject')}</th>
              <th scope="col">{t('audit.col.details')}</th>
              <th scope="col">{t('audit.col.actor')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              const details = detailsSummary(entry.details)
              return (
                <tr key={entry.seq} data-seq={entry.seq}>
                  <td className="mono" title={entry.hash}>
                    {entry.seq}
                  </td>
                  <td>{formatWib(new Date(entry.at), language, { seconds: true })}</td>
                  <td className="mono">{entry.action}</td>
                  <th scope="row">{entry.subject}</th>
                  <td className="audit-details" title={details}>
                    {details.length > DETAILS_SHOWN ? `${details.slice(0, DETAILS_SHOWN - 1)}…` : details}
                  </td>
                  <td>{entry.actor}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      {entries.length > 0 && <p className="muted">{t('audit.shown', { n: entries.length })}</p>}
      {more && (
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void loadMore()}>
            {t('audit.more')}
          </button>
        </div>
      )}
    </section>
  )
}
