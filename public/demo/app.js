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

/** The API call a step-up was for: made again once the step-up lands back here. */
const STEP_UP_CALL = 'eid-bff-demo:step-up-call'

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
  return { status: response.status, statusText: response.statusText, body, challenge: response.headers.get('www-authenticate') ?? '' }
}

/** An auth-param of a Bearer challenge (RFC 9470: `acr_values`, `max_age`), or undefined. */
function challengeParameter (challenge, name) {
  const match = new RegExp(`[\\s,]${name}="([^"]*)"`).exec(` ${challenge}`)
  return match === null ? undefined : match[1]
}

/**
 * The eID option to step up with: one whose acr values the challenge names,
 * else (a challenge about the age alone) one at the level the API needs, or
 * at the session's own level.
 */
function stepUpOption (index, challenge, api, profile) {
  const eids = index?.eids ?? []
  const named = (challengeParameter(challenge, 'acr_values') ?? '').split(' ').filter(Boolean)
  const byAcr = eids.find((eid) => (eid.acrValues ?? []).some((acr) => named.includes(acr)))
  if (byAcr !== undefined) return byAcr
  const level = api.level ?? profile.assurance?.level
  return eids.find((eid) => eid.level === level) ?? eids.find((eid) => eid.eid === profile.eid) ?? eids[0]
}

function eidLabel (name) {
  return EID_LABELS[name] ?? name
}

/** The button text of an eID option: its eID, and the level when the option asks for one. */
function optionLabel (option) {
  const eid = eidLabel(option.eid ?? option.name)
  return option.level ? `${eid} (${option.level})` : eid
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
    const link = element('a', `button primary eid eid-${eid.eid ?? eid.name}`, `Log in with ${optionLabel(eid)}`)
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
  $('level-label').textContent = profile.assurance?.level ? ` · ${profile.assurance.level}` : ''

  const list = $('profile')
  list.replaceChildren()
  if (profile.birthdate) addRow(list, 'Birth date', profile.birthdate)
  if (profile.gender) addRow(list, 'Gender', profile.gender)
  const identifier = nationalIdentifier(profile)
  if (identifier) addRow(list, identifier.label, nationalNumberValue(identifier))
  if (profile.address?.formatted) addRow(list, 'Address', profile.address.formatted)
  if (profile.assurance?.level) addRow(list, 'Assurance', profile.assurance.acr ? `${profile.assurance.level} (${profile.assurance.acr})` : profile.assurance.level)
  if (profile.assurance?.authTime) addRow(list, 'Authenticated', formatDate(profile.assurance.authTime))
  addRow(list, 'Session ends', formatDate(profile.session.expiresAt))
  $('logout').href = profile.session.logoutUrl
  $('logout').addEventListener('click', () => { sessionStorage.setItem(SIGNED_OUT_FLAG, '1') })

  const apis = index?.apis ?? []
  const buttons = $('api-buttons')
  buttons.replaceChildren()
  if (apis.length === 0) {
    $('no-apis').hidden = false
    return
  }
  $('api-path').textContent = `${apis[0].path}/hello`
  for (const api of apis) {
    const button = element('button', 'button primary', api.level ? `Call ${api.name} (needs ${api.level})` : `Call ${api.name}`)
    button.type = 'button'
    button.id = `call-${api.name}`
    button.addEventListener('click', () => { void callApi(api, index, profile) })
    buttons.append(button)
  }
  const pending = sessionStorage.getItem(STEP_UP_CALL)
  sessionStorage.removeItem(STEP_UP_CALL)
  const retried = apis.find((api) => api.name === pending)
  if (retried !== undefined) void callApi(retried, index, profile)
}

/** An API answered insufficient_user_authentication (RFC 9470): offer the step-up its challenge asks for. */
function offerStepUp (api, answer, index, profile) {
  const option = stepUpOption(index, answer.challenge, api, profile)
  $('step-up-reason').textContent = answer.body?.message ?? `${api.name} needs a stronger or more recent login`
  const link = $('step-up-link')
  link.textContent = option ? `Step up with ${optionLabel(option)}` : 'Sign in again'
  link.href = `/login?${new URLSearchParams({ ...(option ? { eid: option.name } : {}), stepUp: '1', returnTo: '/' })}`
  link.onclick = () => { sessionStorage.setItem(STEP_UP_CALL, api.name) }
  $('step-up').hidden = false
}

async function callApi (api, index, profile) {
  const path = `${api.path}/hello`
  const buttons = [...$('api-buttons').querySelectorAll('button')]
  for (const button of buttons) button.disabled = true
  $('step-up').hidden = true
  $('api-path').textContent = path
  try {
    const answer = await getJson(path, { 'X-CSRF': '1' })
    if (answer.status === 401 && answer.body?.error === 'insufficient_user_authentication') {
      offerStepUp(api, answer, index, profile)
    } else if (answer.status === 401) {
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
    for (const button of buttons) button.disabled = false
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
