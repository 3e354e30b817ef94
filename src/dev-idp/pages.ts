import { findEidByAcr } from '../claims/eids.js'
import type { TestIdentity } from './identities.js'

/** Everything interpolated into HTML goes through here. */
export function escapeHtml (value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const STYLE = `
  :root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --brand: #ff4612; --line: #e3e3e8; --soft: #fff3ee; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; background: #f5f5f7;
         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
  .test-strip { background: #fff8e1; color: #7a5b00; border-bottom: 1px solid #f3e3a4; text-align: center;
                font-size: .8rem; font-weight: 600; letter-spacing: .04em; padding: 6px 12px; }
  .page { flex: 1; display: grid; place-items: center; padding: 24px 12px; }
  main { width: min(440px, 94vw); background: #fff; border-radius: 18px; padding: 28px;
         box-shadow: 0 1px 2px rgba(0,0,0,.04), 0 12px 32px rgba(0,0,0,.08); }
  .brand { display: flex; align-items: center; gap: 10px; margin-bottom: 20px; }
  .mark { display: grid; place-items: center; width: 40px; height: 40px; border-radius: 12px; background: var(--brand);
          color: #fff; font-weight: 800; font-size: 1.2rem; }
  .brand strong { display: block; line-height: 1.2; }
  .brand div span { color: var(--muted); font-size: .85rem; }
  h1 { font-size: 1.3rem; margin: 0 0 4px; }
  p { margin: 0 0 20px; color: var(--muted); }
  h2 { font-size: 1rem; margin: 18px 0 2px; }
  p.note { margin-bottom: 10px; font-size: .88rem; }
  form { margin: 0; }
  .identity { display: flex; align-items: center; gap: 14px; width: 100%; text-align: left; border: 1px solid var(--line);
              background: #fff; border-radius: 14px; padding: 12px 14px; margin-bottom: 10px; cursor: pointer;
              font: inherit; color: inherit; }
  .identity:hover, .identity:focus-visible { border-color: var(--brand); background: var(--soft); outline: none; }
  .avatar { flex: none; display: grid; place-items: center; width: 40px; height: 40px; border-radius: 50%;
            background: var(--soft); color: var(--brand); font-weight: 700; }
  .who { flex: 1; min-width: 0; }
  .who strong { display: block; }
  .who span { color: var(--muted); font-size: .88rem; }
  .chevron { color: #b0b3b8; font-size: 1.4rem; line-height: 1; }
  .cancel { width: 100%; border: 0; background: none; padding: 10px; margin-top: 4px; cursor: pointer;
            font: inherit; color: var(--muted); border-radius: 10px; }
  .cancel:hover, .cancel:focus-visible { color: var(--ink); background: #f1f1f4; outline: none; }
  button[form] { border: 1px solid var(--line); background: #fff; border-radius: 10px; padding: 10px 14px; font: inherit; cursor: pointer; }
  footer { margin-top: 16px; font-size: .8rem; color: var(--muted); text-align: center; }
`

function layout (title: string, body: string, script = ''): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><div class="test-strip">TEST ENVIRONMENT · embedded development identity provider · no real eID</div>
<div class="page"><main>${body}</main></div>${script}</body></html>`
}

function initials (identity: TestIdentity): string {
  return `${identity.givenName.charAt(0)}${identity.familyName.charAt(0)}`.toUpperCase()
}

function identityButton (identity: TestIdentity): string {
  return `
    <button type="submit" class="identity" name="identity" value="${escapeHtml(identity.id)}">
      <span class="avatar" aria-hidden="true">${escapeHtml(initials(identity))}</span>
      <span class="who"><strong>${escapeHtml(identity.label)}</strong><span>${escapeHtml(identity.description)}</span></span>
      <span class="chevron" aria-hidden="true">›</span>
    </button>`
}

const EID_LABELS: Readonly<Record<string, string>> = {
  itsme: 'itsme',
  nobankid: 'Norwegian BankID',
  sebankid: 'Swedish BankID',
  dkmitid: 'MitID',
  ftn: 'Finnish Trust Network'
}

/**
 * The identity chooser: one button per test identity, grouped by eID, and a
 * way to refuse. When the login asks for acr values of one eID, only that
 * eID's people are offered, as Idura shows only the eID asked for. Accounts
 * that are no eID login (a database user) come apart, under their own
 * heading, so nobody mistakes them for eID test persons.
 */
export function chooserPage (uid: string, identities: readonly TestIdentity[], requestedAcrValues: readonly string[] = []): string {
  const action = `/interaction/${encodeURIComponent(uid)}`
  const asked = new Set(requestedAcrValues.map((acr) => findEidByAcr(acr)?.eid).filter((eid) => eid !== undefined))
  const eids = [...new Set(identities.map((identity) => identity.eid).filter((eid) => eid !== undefined))]
    .filter((eid) => asked.size === 0 || asked.has(eid))
  const groups = eids.map((eid) => {
    const people = identities.filter((identity) => identity.eid === eid).map(identityButton).join('')
    return eids.length > 1 ? `<h2>${escapeHtml(EID_LABELS[eid] ?? eid)}</h2>${people}` : people
  }).join('')
  const others = identities.filter((identity) => identity.eid === undefined).map(identityButton).join('')
  const otherGroup = others === ''
    ? ''
    : `<h2>Not an eID</h2><p class="note">A password account of the same application, for testing that only eID logins get eID data.</p>${others}`
  const brand = eids.length === 1 ? EID_LABELS[eids[0] as string] ?? 'eID' : 'eID'
  return layout(`Sign in with ${brand} (test)`, `
    <div class="brand"><span class="mark" aria-hidden="true">${escapeHtml(brand.charAt(0))}</span><div><strong>${escapeHtml(brand)}</strong><span>Test sign-in</span></div></div>
    <h1>Who are you?</h1>
    <p>Choose a test person to sign in as. Their eID data goes to the application, as a real eID confirmation would send it.</p>
    <form method="post" action="${action}/login">${groups}${otherGroup}</form>
    <form method="post" action="${action}/abort"><button type="submit" class="cancel">Cancel and go back</button></form>
    <footer>Development only: this provider never runs in production.</footer>`)
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
