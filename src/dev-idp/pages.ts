import type { TestIdentity } from './identities.js'

/** Everything interpolated into HTML goes through here. */
export function escapeHtml (value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const STYLE = `
  :root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --brand: #ff4612; --line: #e3e3e8; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f5f5f7;
         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
  main { width: min(420px, 92vw); background: #fff; border-radius: 16px; padding: 28px;
         box-shadow: 0 10px 30px rgba(0,0,0,.08); }
  h1 { font-size: 1.25rem; margin: 0 0 4px; }
  p { margin: 0 0 20px; color: var(--muted); }
  .badge { display: inline-block; background: var(--brand); color: #fff; font-weight: 700;
           border-radius: 8px; padding: 2px 10px; margin-bottom: 16px; letter-spacing: .02em; }
  form { margin: 0; }
  button { width: 100%; text-align: left; border: 1px solid var(--line); background: #fff; border-radius: 12px;
           padding: 12px 14px; margin-bottom: 10px; cursor: pointer; font: inherit; color: inherit; }
  button:hover, button:focus { border-color: var(--brand); outline: none; }
  button strong { display: block; }
  button span { color: var(--muted); font-size: .9rem; }
  .cancel { text-align: center; color: var(--muted); }
  footer { margin-top: 12px; font-size: .8rem; color: var(--muted); text-align: center; }
`

function layout (title: string, body: string, script = ''): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main>${script}</body></html>`
}

/** The identity chooser: one button per test identity, and a way to refuse. */
export function chooserPage (uid: string, identities: readonly TestIdentity[]): string {
  const action = `/interaction/${encodeURIComponent(uid)}`
  const buttons = identities.map((identity) => `
    <button type="submit" name="identity" value="${escapeHtml(identity.id)}">
      <strong>${escapeHtml(identity.label)}</strong><span>${escapeHtml(identity.description)}</span>
    </button>`).join('')
  return layout('Sign in with itsme (test)', `
    <div class="badge">itsme</div>
    <h1>Choose a test identity</h1>
    <p>Development provider: pick who you are. No real eID is used.</p>
    <form method="post" action="${action}/login">${buttons}</form>
    <form method="post" action="${action}/abort"><button type="submit" class="cancel">Cancel</button></form>
    <footer>Embedded development identity provider</footer>`)
}

export function errorPage (title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`)
}

/** oidc-provider's logout confirmation, submitting itself: a test login needs no extra click. */
export function logoutPage (form: string): string {
  const script = `<script>
    const form = document.getElementById('op.logoutForm');
    const yes = document.createElement('input');
    yes.type = 'hidden'; yes.name = 'logout'; yes.value = 'yes';
    form.appendChild(yes); form.submit();
  </script>`
  return layout('Signing out', `<h1>Signing out…</h1>${form}
    <button type="submit" form="op.logoutForm" name="logout" value="yes">Sign me out</button>`, script)
}

export function signedOutPage (): string {
  return layout('Signed out', '<h1>You are signed out</h1><p>You can close this window.</p>')
}
