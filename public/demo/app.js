// The demo frontend: everything it shows comes from the gateway's JSON
// (the index at `/` and the profile at `/me`) and is written with
// textContent, never as HTML.

const EID_LABELS = {
  itsme: 'itsme',
  nobankid: 'Norwegian BankID',
  sebankid: 'Swedish BankID',
  dkmitid: 'MitID',
  ftn: 'Finnish Trust Network'
}

/** How many leading characters of each national identifier are its birth date, shown even when masked. */
const DATE_PREFIX = { rrn: 6, fodselsnummer: 6, personnummer: 8, cpr: 6, hetu: 7 }

const MASK = '•'

/** Set when the person clicks "Log out", read once when the logout lands back here. */
const SIGNED_OUT_FLAG = 'eid-bff-demo:signed-out'

const $ = (id) => document.getElementById(id)

function element (tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

async function getJson (url, headers = {}) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } })
  const type = response.headers.get('content-type') ?? ''
  const body = type.startsWith('application/json') ? await response.json() : await response.text()
  return { status: response.status, statusText: response.statusText, body }
}

function eidLabel (name) {
  return EID_LABELS[name] ?? name
}

/** A Belgian national register number as it is printed: 65.07.08-622.67. */
function formatRrn (digits) {
  return `${digits.slice(0, 2)}.${digits.slice(2, 4)}.${digits.slice(4, 6)}-${digits.slice(6, 9)}.${digits.slice(9)}`
}

/**
 * The identifier shown and its masked form: the birth-date part stays, the
 * serial number and check digits (what makes it a person's) are hidden.
 */
function nationalIdentifier (profile) {
  if (typeof profile.nationalNumber === 'string' && /^\d{11}$/.test(profile.nationalNumber)) {
    const full = formatRrn(profile.nationalNumber)
    return { label: 'National number', full, masked: full.replace(/(?<=-.*)\d/g, MASK) }
  }
  const id = profile.nationalId
  if (id && typeof id.value === 'string') {
    const keep = DATE_PREFIX[id.type] ?? 0
    return {
      label: `National ID (${id.country})`,
      full: id.value,
      masked: id.value.slice(0, keep) + MASK.repeat(Math.max(0, id.value.length - keep))
    }
  }
  return undefined
}

function addRow (list, term, value) {
  const row = element('div', 'row')
  row.append(element('dt', '', term))
  const description = element('dd')
  if (typeof value === 'string') description.textContent = value
  else description.append(value)
  row.append(description)
  list.append(row)
}

function nationalNumberValue (identifier) {
  let shown = false
  const wrapper = element('span', 'secret')
  const text = element('span', 'mono', identifier.masked)
  text.id = 'national-number'
  const toggle = element('button', 'link', 'Show')
  toggle.type = 'button'
  toggle.id = 'toggle-national-number'
  toggle.setAttribute('aria-pressed', 'false')
  toggle.setAttribute('aria-controls', 'national-number')
  toggle.addEventListener('click', () => {
    shown = !shown
    // The full number lives in this closure only; the page holds it while shown.
    text.textContent = shown ? identifier.full : identifier.masked
    toggle.textContent = shown ? 'Hide' : 'Show'
    toggle.setAttribute('aria-pressed', String(shown))
  })
  wrapper.append(text, toggle)
  return wrapper
}

function formatDate (iso) {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })
}

function setStatus (text) {
  $('status').textContent = text
}

function showError (message) {
  const error = $('error')
  error.textContent = message
  error.hidden = false
}

function showSignedOut (index) {
  $('signed-in').hidden = true
  $('signed-out').hidden = false
  setStatus('Signed out')
  $('signed-out-notice').hidden = sessionStorage.getItem(SIGNED_OUT_FLAG) === null
  sessionStorage.removeItem(SIGNED_OUT_FLAG)
  const buttons = $('login-buttons')
  buttons.replaceChildren()
  const eids = index?.eids ?? []
  for (const eid of eids) {
    const link = element('a', `button primary eid eid-${eid.name}`, `Log in with ${eidLabel(eid.name)}`)
    link.href = eid.login
    buttons.append(link)
  }
  if (eids.length === 0) {
    const link = element('a', 'button primary', 'Log in')
    link.href = '/login?returnTo=/'
    buttons.append(link)
    $('no-eids').hidden = false
  }
}

function showSignedIn (profile, index) {
  $('signed-out').hidden = true
  $('signed-in').hidden = false
  setStatus('Signed in')
  $('person-name').textContent = profile.name || [profile.givenName, profile.familyName].filter(Boolean).join(' ') || profile.sub
  $('eid-label').textContent = profile.eid ? ` with ${eidLabel(profile.eid)}` : ''

  const list = $('profile')
  list.replaceChildren()
  if (profile.birthdate) addRow(list, 'Birth date', profile.birthdate)
  if (profile.gender) addRow(list, 'Gender', profile.gender)
  const identifier = nationalIdentifier(profile)
  if (identifier) addRow(list, identifier.label, nationalNumberValue(identifier))
  if (profile.address?.formatted) addRow(list, 'Address', profile.address.formatted)
  addRow(list, 'Session ends', formatDate(profile.session.expiresAt))
  $('logout').href = profile.session.logoutUrl
  $('logout').addEventListener('click', () => { sessionStorage.setItem(SIGNED_OUT_FLAG, '1') })

  const api = index?.apis?.[0]
  const button = $('call-api')
  if (api === undefined) {
    button.disabled = true
    $('no-apis').hidden = false
    return
  }
  const path = `${api.path}/hello`
  $('api-path').textContent = path
  button.addEventListener('click', () => { void callApi(path, index) })
}

async function callApi (path, index) {
  const button = $('call-api')
  button.disabled = true
  try {
    const answer = await getJson(path, { 'X-CSRF': '1' })
    if (answer.status === 401) {
      showSignedOut(index)
      return
    }
    $('api-status').textContent = `GET ${path} → ${answer.status} ${answer.statusText}`
    $('api-status').className = `result-status ${answer.status < 400 ? 'ok' : 'failed'}`
    $('api-body').textContent = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body, null, 2)
    $('api-result').hidden = false
  } catch {
    showError('The API call did not get through. Is the gateway running?')
  } finally {
    button.disabled = false
  }
}

async function start () {
  try {
    const [index, me] = await Promise.all([getJson('/'), getJson('/me')])
    if (me.status === 200) showSignedIn(me.body, index.body)
    else if (me.status === 401) showSignedOut(index.body)
    else {
      setStatus('Unavailable')
      showError(`The gateway answered ${me.status}: ${me.body?.message ?? 'try again later'}`)
    }
  } catch {
    setStatus('Unavailable')
    showError('The gateway cannot be reached.')
  }
}

void start()
