import { useEffect, useRef, useState } from 'react'
import { checkWebViewMessage, PERURI_WEBVIEW_SANDBOX, type PeruriWebViewKind } from '../../../../shared/peruri-webview'
import { useT } from '../../i18n/useT'
import { usePeruri } from '../../stores'

/**
 * One of Peruri's web views (seed 003 §7 activation, §8 signing) in a sandboxed frame. Its answer
 * is taken only from exactly the origin main named and only from this frame's own window, in the
 * documented shape; every other message is ignored and counted (`data-ignored-messages`, and a
 * debug line in development builds).
 */
export function PeruriWebView({ kind, disabled, onDone }: { kind: PeruriWebViewKind; disabled?: boolean; onDone?: () => void }) {
  const t = useT()
  const { busy, webView, webViewResult } = usePeruri()
  const [view, setView] = useState<{ url: string; origin: string }>()
  const [ignored, setIgnored] = useState(0)
  const frame = useRef<HTMLIFrameElement>(null)

  useEffect(() => {
    if (!view) return
    const onMessage = (event: MessageEvent) => {
      const verdict = checkWebViewMessage(event, { origin: view.origin, source: frame.current?.contentWindow, kind })
      if (!verdict.accepted) {
        setIgnored((count) => count + 1)
        if (import.meta.env.DEV) console.debug(`Peruri web view: ignored a message (${verdict.reason}) from ${event.origin}`)
        return
      }
      void webViewResult(kind, verdict.result).then((ok) => {
        if (!ok) return
        setView(undefined)
        onDone?.()
      })
    }
    window.addEventListener('message', onMessage)
    return () => window.removeEventListener('message', onMessage)
  }, [view, kind, webViewResult, onDone])

  async function open() {
    setView(await webView(kind, window.location.origin))
  }

  const title = t(kind === 'activation' ? 'peruri.webview.frame.activation' : 'peruri.webview.frame.signing')
  return (
    <div className="peruri-webview" data-testid={`peruri-webview-${kind}`} data-ignored-messages={ignored}>
      {!view ? (
        <button type="button" disabled={disabled || busy} onClick={() => void open()}>
          {t(kind === 'activation' ? 'peruri.webview.activate' : 'peruri.webview.sign')}
        </button>
      ) : (
        <>
          <p className="muted">{t('peruri.webview.hint', { origin: view.origin })}</p>
          <iframe ref={frame} src={view.url} title={title} sandbox={PERURI_WEBVIEW_SANDBOX} referrerPolicy="no-referrer" className="peruri-webview-frame" />
          <button type="button" className="link" onClick={() => setView(undefined)}>
            {t('peruri.webview.close')}
          </button>
        </>
      )}
    </div>
  )
}
