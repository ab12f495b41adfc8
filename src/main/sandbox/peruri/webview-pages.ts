import { isTekenParentOrigin, PERURI_WEBVIEW_FUNC, PERURI_WEBVIEW_PAGE } from '../../../shared/peruri-webview'

/** Where the embedded sandbox serves Peruri's two web views: the environment's web view base. */
export const SANDBOX_WEBVIEW_PREFIX = '/webview/'
export const SANDBOX_WEBVIEW_SCRIPT = `${SANDBOX_WEBVIEW_PREFIX}webview.js`
/** The pages' own calls back to the sandbox (the real pages talk to Peruri's servers; these are the sandbox's). */
export const SANDBOX_WEBVIEW_API = `${SANDBOX_WEBVIEW_PREFIX}api/`
export const SANDBOX_WEBVIEW_PAGES = { activation: `${SANDBOX_WEBVIEW_PREFIX}${PERURI_WEBVIEW_PAGE.activation}`, signing: `${SANDBOX_WEBVIEW_PREFIX}${PERURI_WEBVIEW_PAGE.signing}` } as const

/**
 * The parents the sandbox's pages may be framed by and post to: Teken's own origins, the app
 * (`app://teken`) and the web harness on loopback. Anything else gets no page.
 */
export function acceptedParentOrigin(value: string | null): string | undefined {
  return value && isTekenParentOrigin(value) ? value : undefined
}

/** The pages' CSP: their own script only, no inline code, framed only by the parent that asked. */
export function webViewPagePolicy(parentOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${parentOrigin}`,
  ].join('; ')
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

/** A page of the sandbox's web view: the values the script needs are data attributes, never inline code. */
export function webViewPage(input: { kind: 'activation' | 'signing'; parentOrigin: string; fields: Record<string, string>; title: string; body: string }): string {
  const data = Object.entries({ kind: input.kind, parentOrigin: input.parentOrigin, ...input.fields })
    .map(([name, value]) => `data-${name.replace(/[A-Z]/g, (char) => `-${char.toLowerCase()}`)}="${escapeHtml(value)}"`)
    .join(' ')
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>${escapeHtml(input.title)}</title>
<script src="${SANDBOX_WEBVIEW_SCRIPT}" defer></script>
</head>
<body ${data}>
<h1>${escapeHtml(input.title)}</h1>
<p><small>Peruri sandbox (Teken) — web view</small></p>
${input.body}
<p id="result" role="status"></p>
</body>
</html>
`
}

export const activationBody = (email: string, state: string) => `<p>Akun: <strong>${escapeHtml(email)}</strong></p>
<p>${escapeHtml(state)}</p>
<p>Aktivasi di sandbox menjalankan aktivasi akun, e-KYC dan pembuatan sertifikat sekaligus.</p>
<button type="button" id="activate">Aktivasi</button>`

export const signingBody = (order: { orderId: string; fileName: string; email: string; boxes: number; status: string }) => `<dl>
<dt>Order ID</dt><dd>${escapeHtml(order.orderId)}</dd>
<dt>Dokumen</dt><dd>${escapeHtml(order.fileName)}</dd>
<dt>Penanda tangan</dt><dd>${escapeHtml(order.email)}</dd>
<dt>Kotak tanda tangan</dt><dd>${order.boxes}</dd>
<dt>Status</dt><dd>${escapeHtml(order.status)}</dd>
</dl>
<button type="button" id="send-otp">Kirim OTP</button>
<p><label>Kode OTP <input id="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="6"></label></p>
<button type="button" id="sign">Tanda tangani</button>`

/**
 * The pages' one script. It calls the sandbox's own API, and reports every outcome to the parent
 * with `postMessage` to the exact `parentOrigin` Teken passed: seed 003's callback shape,
 * `{ func, message: { resultCode, resultDesc } }`.
 */
export const WEBVIEW_SCRIPT = `'use strict';
(function () {
  var body = document.body;
  var data = body.dataset;
  var result = document.getElementById('result');
  function post(resultCode, resultDesc) {
    var func = data.kind === 'activation' ? ${JSON.stringify(PERURI_WEBVIEW_FUNC.activation)} : ${JSON.stringify(PERURI_WEBVIEW_FUNC.signing)};
    result.textContent = resultDesc;
    if (window.parent !== window) window.parent.postMessage({ func: func, message: { resultCode: resultCode, resultDesc: resultDesc } }, data.parentOrigin);
  }
  function call(route, payload) {
    return fetch(${JSON.stringify(SANDBOX_WEBVIEW_API)} + route, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) })
      .then(function (response) { return response.json(); })
      .catch(function (error) { return { resultCode: '98', resultDesc: 'Sandbox tidak dapat dihubungi: ' + error }; });
  }
  function button(id, handler) {
    var element = document.getElementById(id);
    if (element) element.addEventListener('click', function () {
      element.disabled = true;
      handler().then(function () { element.disabled = false; });
    });
  }
  button('activate', function () {
    return call('activate', { email: data.email, systemId: data.systemId }).then(function (answer) { post(answer.resultCode, answer.resultDesc); });
  });
  button('send-otp', function () {
    return call('otp', { orderId: data.orderId }).then(function (answer) {
      // Sending a code is a step inside the page, not its outcome: only a failure is reported.
      if (answer.resultCode === '0') result.textContent = answer.resultDesc;
      else post(answer.resultCode, answer.resultDesc);
    });
  });
  button('sign', function () {
    var otp = document.getElementById('otp').value.trim();
    return call('sign', { orderId: data.orderId, otp: otp }).then(function (answer) { post(answer.resultCode, answer.resultDesc); });
  });
  var failure = data.failureCode;
  if (failure) post(failure, data.failureDesc || '');
})();
`
