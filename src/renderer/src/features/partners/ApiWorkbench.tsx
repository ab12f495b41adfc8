import { Fragment, useEffect, useId, useRef } from 'react'
import { PARTNER_TARGETS, REQUEST_METHODS, SNAP_REQUEST_KINDS, SNAP_SERVICE_SIGNATURES, type PartnerResponseView } from '../../../../shared/contract'
import { useT } from '../../i18n/useT'
import { useSettings, useToasts, useWorkbench } from '../../stores'
import type { WorkbenchProvider, WorkbenchState } from './workbench-store'

/** A profile option's value: the provider, then the name (names may hold any character, providers no colon). */
const optionValue = (provider: WorkbenchProvider, name: string) => `${provider}:${name}`
function parseOptionValue(value: string): [WorkbenchProvider, string] {
  const colon = value.indexOf(':')
  return [value.slice(0, colon) as WorkbenchProvider, value.slice(colon + 1)]
}

/**
 * The API workbench for SNAP (Ifortepay, OVO) and MyValue: compose a request, see exactly what main
 * signed (string to sign, headers, signature) before it goes out, send it, and read the answer with
 * SNAP's response code decoded. Main holds the keys, the client secrets and the profile's token; the
 * preview and the answer come with the token masked.
 */
export function ApiWorkbench() {
  const t = useT()
  const titleId = useId()
  const appEnvironment = useSettings((state) => state.settings.environment)
  const { profiles, provider, drafts, signed, response, busy, load, selectProfile, edit, editSnap, sign } = useWorkbench()
  useEffect(() => void load(), [appEnvironment, load])
  const draft = drafts[provider]
  const snap = provider === 'snap' ? drafts.snap : undefined
  const profile = provider === 'snap' ? profiles.snap.find((candidate) => candidate.name === draft?.profile) : profiles.myvalue.find((candidate) => candidate.name === draft?.profile)
  const profileLabel = (option: { name: string; builtIn: boolean }) => (option.builtIn ? t('workbench.profile.builtIn', { name: option.name }) : option.name)

  return (
    <>
      <section className="card" aria-labelledby={titleId} data-testid="api-workbench">
        <h2 id={titleId}>{t('workbench.title')}</h2>
        <p className="muted">{t('workbench.intro')}</p>
        {draft && profile && (
          <form
            onSubmit={(event) => {
              event.preventDefault()
              void sign()
            }}
          >
            <div className="form-row">
              <label>
                {t('workbench.profile')}
                <select value={optionValue(provider, draft.profile)} onChange={(event) => selectProfile(...parseOptionValue(event.target.value))}>
                  <optgroup label={t('workbench.provider.snap')}>
                    {profiles.snap.map((option) => (
                      <option key={option.name} value={optionValue('snap', option.name)}>
                        {profileLabel(option)}
                      </option>
                    ))}
                  </optgroup>
                  <optgroup label={t('workbench.provider.myvalue')}>
                    {profiles.myvalue.map((option) => (
                      <option key={option.name} value={optionValue('myvalue', option.name)}>
                        {profileLabel(option)}
                      </option>
                    ))}
                  </optgroup>
                </select>
              </label>
              <label>
                {t('workbench.target')}
                <select value={draft.target} disabled={profile.builtIn} onChange={(event) => edit({ target: event.target.value as (typeof PARTNER_TARGETS)[number] })}>
                  {PARTNER_TARGETS.map((target) => (
                    <option key={target} value={target} disabled={target === 'endpoint' && profile.builtIn}>
                      {target === 'sandbox' ? t('workbench.target.sandbox') : t('workbench.target.endpoint', { url: profile.baseUrl })}
                    </option>
                  ))}
                </select>
              </label>
              {snap && (
                <label>
                  {t('workbench.kind')}
                  <select value={snap.kind} onChange={(event) => editSnap({ kind: event.target.value as (typeof SNAP_REQUEST_KINDS)[number] })}>
                    {SNAP_REQUEST_KINDS.map((kind) => (
                      <option key={kind} value={kind}>
                        {t(`workbench.kind.${kind}`)}
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </div>

            {provider === 'myvalue' && (
              <p className="notice" data-testid="workbench-myvalue-assumption">
                {t('workbench.myvalue.assumption')}
              </p>
            )}
            {snap?.kind !== 'access-token' && (
              <>
                <div className="form-row">
                  <label>
                    {t('workbench.method')}
                    <select value={draft.method} onChange={(event) => edit({ method: event.target.value as (typeof REQUEST_METHODS)[number] })}>
                      {REQUEST_METHODS.map((method) => (
                        <option key={method}>{method}</option>
                      ))}
                    </select>
                  </label>
                  <label className="wide">
                    {t('workbench.path')}
                    <input type="text" className="mono" value={draft.path} spellCheck={false} onChange={(event) => edit({ path: event.target.value })} />
                  </label>
                </div>
                {snap && (
                  <>
                    <fieldset className="segmented">
                      <legend>{t('workbench.signatureKind')}</legend>
                      {SNAP_SERVICE_SIGNATURES.map((kind) => (
                        <label key={kind} className="inline segment">
                          <input type="radio" name="service-signature" value={kind} checked={snap.serviceSignature === kind} onChange={() => editSnap({ serviceSignature: kind })} />
                          {t(`workbench.signatureKind.${kind}`)}
                        </label>
                      ))}
                    </fieldset>
                    <label className="block">
                      {t('workbench.token')}
                      <input type="password" autoComplete="off" className="mono" value={snap.accessToken} onChange={(event) => editSnap({ accessToken: event.target.value })} />
                    </label>
                    <p className="muted">{t('workbench.token.hint')}</p>
                  </>
                )}
                <label className="block">
                  {t('workbench.body')}
                  <textarea className="mono" rows={6} spellCheck={false} value={draft.body} onChange={(event) => edit({ body: event.target.value })} />
                </label>
              </>
            )}
            <div className="actions">
              <button type="submit" disabled={busy}>
                {t('workbench.sign')}
              </button>
            </div>
          </form>
        )}
      </section>

      {signed && <SignedRequest signed={signed} />}
      {response && <PartnerResponse provider={response.provider} response={response.view} />}
    </>
  )
}

function SignedRequest({ signed }: { signed: NonNullable<WorkbenchState['signed']> }) {
  const t = useT()
  const titleId = useId()
  const curlRef = useRef<HTMLPreElement>(null)
  const push = useToasts((state) => state.push)
  const busy = useWorkbench((state) => state.busy)
  const send = useWorkbench((state) => state.send)
  const { preview } = signed

  // The curl text carries the signature and the public headers only: main writes a bearer token as
  // $SNAP_ACCESS_TOKEN and the client secrets and keys are never in a request. So the page may copy it
  // itself, which also works in the browser harness, where main has no clipboard.
  async function copyCurl() {
    try {
      await navigator.clipboard.writeText(preview.curl)
      push({ kind: 'info', title: signed.provider === 'myvalue' ? t('workbench.curl.copied.myvalue') : t('workbench.curl.copied') })
    } catch {
      // Without clipboard permission, selecting the command leaves Ctrl+C to the user.
      if (curlRef.current) window.getSelection()?.selectAllChildren(curlRef.current)
      push({ kind: 'info', title: t('workbench.curl.selected') })
    }
  }

  return (
    <section className="card" aria-labelledby={titleId} data-testid="workbench-preview">
      <h2 id={titleId}>{t('workbench.preview.title')}</h2>
      <p className="mono">
        {preview.method} {preview.url}
      </p>
      <h3>{t('workbench.stringToSign')}</h3>
      <pre className="mono signed-text" data-testid="workbench-string-to-sign">
        {preview.stringToSign}
      </pre>
      <h3>{preview.signatureAlgorithm ? t('workbench.signature.algorithm', { algorithm: t(`workbench.myvalue.algorithm.${preview.signatureAlgorithm}`) }) : t('workbench.signature')}</h3>
      <pre className="mono signed-text" data-testid="workbench-signature">
        {preview.signature}
      </pre>
      <h3>{t('workbench.headers')}</h3>
      <dl className="facts mono" data-testid="workbench-headers">
        {Object.entries(preview.headers).map(([name, value]) => (
          <Fragment key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
      {preview.endpointUrl !== undefined && (
        <dl className="facts">
          <dt>{t('workbench.endpointUrl')}</dt>
          <dd className="mono">{preview.endpointUrl}</dd>
          <dt>{t('workbench.bodySha256')}</dt>
          <dd className="mono">{preview.bodySha256}</dd>
        </dl>
      )}
      {preview.body && (
        <>
          <h3>{signed.provider === 'myvalue' ? t('workbench.sentBody.exact') : t('workbench.sentBody')}</h3>
          <pre className="mono signed-text">{preview.body}</pre>
        </>
      )}
      {signed.provider === 'snap' && <p className="muted">{t('workbench.masked')}</p>}
      <details>
        <summary>{t('workbench.curl')}</summary>
        <pre ref={curlRef} className="mono signed-text" data-testid="workbench-curl">
          {preview.curl}
        </pre>
      </details>
      <div className="actions">
        <button type="button" disabled={busy || signed.sent} onClick={() => void send()}>
          {t('workbench.send')}
        </button>
        <button type="button" onClick={() => void copyCurl()}>
          {t('workbench.curl.copy')}
        </button>
      </div>
      {signed.sent && <p className="muted">{signed.provider === 'myvalue' ? t('workbench.sent.myvalue') : t('workbench.sent')}</p>}
    </section>
  )
}

function PartnerResponse({ provider, response }: { provider: WorkbenchProvider; response: PartnerResponseView }) {
  const t = useT()
  const titleId = useId()
  const code = response.responseCode
  const succeeded = (code?.httpStatus ?? response.httpStatus) < 300
  return (
    <section className="card" aria-labelledby={titleId} data-testid="workbench-response">
      <h2 id={titleId}>{t('workbench.response.title')}</h2>
      <dl className="facts">
        <dt>{t('workbench.response.http')}</dt>
        <dd className={succeeded ? 'ok' : 'problem'}>{response.httpStatus}</dd>
        {code ? (
          <>
            <dt>{t('workbench.response.code')}</dt>
            <dd data-testid="workbench-response-code">
              <code>{code.code}</code> —{' '}
              {t('workbench.response.parts', { status: code.httpStatus, service: code.service ? `${code.serviceCode} (${code.service})` : code.serviceCode, case: code.caseCode })}
            </dd>
            <dt>{t('workbench.response.meaning')}</dt>
            <dd data-testid="workbench-response-meaning">{code.meaning}</dd>
          </>
        ) : (
          <>
            <dt>{t('workbench.response.code')}</dt>
            <dd className="muted">{provider === 'myvalue' ? t('workbench.response.noCode.myvalue') : t('workbench.response.noCode')}</dd>
          </>
        )}
        {response.responseMessage !== undefined && (
          <>
            <dt>{t('workbench.response.message')}</dt>
            <dd>{response.responseMessage}</dd>
          </>
        )}
      </dl>
      <pre className="mono signed-text" data-testid="workbench-response-body">
        {response.body}
      </pre>
    </section>
  )
}
