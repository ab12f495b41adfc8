import type { VerificationView } from '../../../../shared/contract'
import { formatWib } from '../../../../shared/time'
import { useT } from '../../i18n/useT'
import { useSettings } from '../../stores'

/** What the verifier found: each signature, whether it holds, and what it covers. */
export function VerificationReport({ report, testId = 'verification-report' }: { report: VerificationView; testId?: string }) {
  const t = useT()
  const language = useSettings((state) => state.settings.language)
  return (
    <div className="verification" data-testid={testId} role="status">
      <p className={report.allValid ? 'ok' : 'problem'}>{report.signatures.length === 0 ? t('sign.none') : report.allValid ? t('sign.allValid', { count: report.signatures.length }) : t('sign.someInvalid')}</p>
      <ol>
        {report.signatures.map((signature, index) => (
          <li key={index}>
            <strong>{signature.signer ?? signature.fieldName ?? signature.subFilter}</strong> — {t(`sign.status.${signature.status}`)}
            {signature.signedAt && <div>{formatWib(new Date(signature.signedAt), language, { seconds: true })}</div>}
            <div className="muted">
              {signature.subFilter} · {signature.coversWholeDocument ? t('sign.coversAll') : t('sign.coversPart', { bytes: signature.bytesAfter })}
            </div>
            {signature.problems.map((problem) => (
              <div key={problem} className="problem">
                {problem}
              </div>
            ))}
          </li>
        ))}
      </ol>
      <p className="muted">{report.trustNote}</p>
    </div>
  )
}
