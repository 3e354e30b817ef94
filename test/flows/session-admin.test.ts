import t, { type Test } from 'tap'
import type { Env } from '../../src/config/index.js'
import { DEV_SERVICE_CLIENT } from '../../src/dev-idp/index.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { freePort } from '../helpers/free-port.js'
import { startGateway, startStack, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type Stack } from '../helpers/gateway.js'
import { redisForTest, REDIS_URL } from '../helpers/redis.js'
import { serviceToken } from '../helpers/service-token.js'
import { TestBrowser } from '../helpers/test-browser.js'

const AUDIENCE = 'urn:eid-bff:internal'
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'
const CSRF = { 'x-csrf': '1' }

interface Listed { handle: string, createdAt: string, lastSeenAt: string, eid?: string, device?: string, current?: boolean }

/** A browser that always sends its own User-Agent, as a real one does. */
function browserAs (userAgent: string): TestBrowser & { ua: Record<string, string> } {
  return Object.assign(new TestBrowser(), { ua: { 'user-agent': userAgent } })
}

async function signInAs (browser: TestBrowser & { ua: Record<string, string> }, gatewayUrl: string): Promise<void> {
  const login = await browser.get(`${gatewayUrl}/login`, browser.ua)
  const { signInAtDevIdp } = await import('../helpers/dev-idp-login.js')
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  const landed = await browser.get(callback.href, browser.ua)
  if (landed.status !== 302) throw new Error(`callback answered ${landed.status}`)
}

async function adminStack (t: Test, store: 'memory' | 'redis'): Promise<{ stack: Stack, env: Env }> {
  const env: Env = { INTERNAL_AUDIENCE: AUDIENCE }
  if (store === 'redis') Object.assign(env, { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: (await redisForTest(t)).prefix })
  const stack = await startStack(t, { env, idp: { serviceClient: { ...DEV_SERVICE_CLIENT, audience: AUDIENCE } } })
  return { stack, env }
}

function sessionsUrl (gatewayUrl: string, sub = CHRIS_PROFILE.sub): string {
  return `${gatewayUrl}/internal/users/${encodeURIComponent(sub)}/sessions`
}

async function call (method: string, url: string, token: string | undefined): Promise<Response> {
  return await fetch(url, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
}

for (const store of ['memory', 'redis'] as const) {
  t.test(`${store} store: a service lists a person's sessions and ends one or all of them`, async (t) => {
    const { stack, env } = await adminStack(t, store)
    const laptop = browserAs(FIREFOX_LINUX)
    const phone = browserAs(SAFARI_IPHONE)
    await signInAs(laptop, stack.gatewayUrl)
    await signInAs(phone, stack.gatewayUrl)
    const admin = await serviceToken(stack.idp.issuer, 'sessions:admin claims:sub')

    const listed = await call('GET', sessionsUrl(stack.gatewayUrl), admin)
    t.equal(listed.status, 200)
    t.equal(listed.headers.get('cache-control'), 'no-store')
    const { sessions } = await listed.json() as { sessions: Listed[] }
    t.same(sessions.map((session) => session.device).sort(), ['Firefox on Linux', 'Safari on iOS'], 'the browser families')
    for (const session of sessions) {
      t.same(Object.keys(session).sort(), ['createdAt', 'device', 'eid', 'handle', 'lastSeenAt', 'level'], 'no token, claim or id: only these')
      t.equal(session.eid, 'itsme')
      t.match((session as { level?: string }).level, /^(low|substantial|high)$/, 'and the level of its login')
      t.ok(Date.parse(session.lastSeenAt) >= Date.parse(session.createdAt))
    }
    const cookies = [laptop, phone].map((browser) => decodeURIComponent(browser.cookies(stack.gatewayUrl).bff ?? '').split('.')[0] ?? '')
    for (const id of cookies) t.notOk(JSON.stringify(sessions).includes(id), 'no session id in the list')

    const phoneHandle = sessions.find((session) => session.device === 'Safari on iOS')?.handle ?? ''
    // With Redis, another instance ends it: sessions are shared.
    let adminUrl = stack.gatewayUrl
    let logs = (): string => stack.logs.text
    if (store === 'redis') {
      const port = await freePort()
      const other = await startGateway(t, { ...env, PORT: String(port), BASE_URL: stack.gatewayUrl, OIDC_ISSUER: stack.idp.issuer, OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET, REDIS_KEY_PREFIX: stack.config.session.redis?.keyPrefix ?? '' })
      adminUrl = `http://127.0.0.1:${port}`
      logs = () => `${stack.logs.text}\n${other.logs.text}`
    }
    t.equal((await call('DELETE', `${sessionsUrl(adminUrl)}/${phoneHandle}`, admin)).status, 204, 'one ended')
    t.equal((await phone.get(`${stack.gatewayUrl}/me`)).status, 401, 'the phone is signed out')
    t.equal((await laptop.get(`${stack.gatewayUrl}/me`)).status, 200, 'the laptop is not')
    const again = await call('DELETE', `${sessionsUrl(adminUrl)}/${phoneHandle}`, admin)
    t.equal(again.status, 404, 'a handle ends its session once')
    t.equal((await again.json() as { error: string }).error, 'not_found')
    t.equal((await call('DELETE', `${sessionsUrl(adminUrl, 'oidc|itsme|{someone-else}')}/${phoneHandle}`, admin)).status, 404, 'a handle belongs to its subject only')

    const all = await call('DELETE', sessionsUrl(adminUrl), admin)
    t.same(await all.json(), { ended: 1 })
    t.equal((await laptop.get(`${stack.gatewayUrl}/me`)).status, 401, 'every session ended')
    t.same(await (await call('GET', sessionsUrl(stack.gatewayUrl), admin)).json(), { sessions: [] })

    const audit = logs().split('\n').filter((line) => line.includes('"audit":"sessions_admin"'))
    t.equal(audit.length, 6, 'every call is audited')
    for (const line of audit) {
      t.notOk(line.includes(CHRIS_PROFILE.sub) || line.includes('f729d0aa'), 'with no subject, only its hash')
      t.match(line, /"caller":"dev-service"/)
    }
  })
}

t.test('the session API needs its own scope and a valid token', async (t) => {
  const { stack } = await adminStack(t, 'memory')
  await signInThroughGateway(new TestBrowser(), stack.gatewayUrl)
  const claimsOnly = await serviceToken(stack.idp.issuer, 'claims:profile claims:national_number')
  for (const method of ['GET', 'DELETE']) {
    const refused = await call(method, sessionsUrl(stack.gatewayUrl), claimsOnly)
    t.equal(refused.status, 403, `${method} with claims scopes only`)
    t.equal(refused.headers.get('www-authenticate'), 'Bearer error="insufficient_scope", scope="sessions:admin"')
    t.equal((await refused.json() as { error: string }).error, 'insufficient_scope')
    const anonymous = await call(method, sessionsUrl(stack.gatewayUrl), undefined)
    t.equal(anonymous.status, 401, `${method} without a token`)
    t.equal(anonymous.headers.get('www-authenticate'), 'Bearer')
    const forged = await call(method, sessionsUrl(stack.gatewayUrl), 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6InNlc3Npb25zOmFkbWluIn0.')
    t.equal(forged.status, 401, `${method} with a forged token`)
    t.equal(forged.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
  }
  const admin = await serviceToken(stack.idp.issuer, 'sessions:admin claims:sub')
  const pairwiseOnly = await serviceToken(stack.idp.issuer, 'sessions:admin')
  const nobody = await call('DELETE', `${stack.gatewayUrl}/internal/users/nobody-we-know/sessions`, pairwiseOnly)
  t.equal(nobody.status, 404, 'a name that is no pairwise id of the caller\'s')
  t.equal((await (await call('GET', sessionsUrl(stack.gatewayUrl), admin)).json() as { sessions: unknown[] }).sessions.length, 1, 'the session lives on')
  // Refusals of a valid token are audited like the calls they refuse; an invalid token names no caller to audit.
  const audit = stack.logs.text.split('\n').filter((line) => line.includes('"audit":"sessions_admin"')).map((line) => JSON.parse(line) as Record<string, unknown>)
  const refusals = audit.filter((line) => line.outcome === 'insufficient_scope')
  t.same(refusals.map((line) => line.action), ['list', 'end_all'], 'each refused call, with what it asked for')
  for (const line of refusals) {
    t.equal(line.caller, 'dev-service')
    t.equal(line.subHash, undefined, 'the provider\'s sub is nobody to a caller without claims:sub')
  }
  t.same(audit.filter((line) => line.outcome === 'not_found').map((line) => [line.action, line.subHash]), [['end_all', undefined]], 'an unknown person, audited with no hash')
  t.notOk(stack.logs.text.includes(CHRIS_PROFILE.sub), 'no subject in the log')
})

t.test('/me/sessions: a person sees their sessions and ends another one, never someone else\'s', async (t) => {
  const { stack } = await adminStack(t, 'memory')
  const laptop = browserAs(FIREFOX_LINUX)
  const phone = browserAs(SAFARI_IPHONE)
  await signInAs(laptop, stack.gatewayUrl)
  await signInAs(phone, stack.gatewayUrl)
  const luc = new TestBrowser()
  const login = await luc.get(`${stack.gatewayUrl}/login`)
  const { signInAtDevIdp } = await import('../helpers/dev-idp-login.js')
  await luc.get((await signInAtDevIdp(luc, login.location as string, 'luc')).href)

  t.equal((await laptop.get(`${stack.gatewayUrl}/me/sessions`)).status, 403, 'without X-CSRF: refused')
  const mine = await laptop.get(`${stack.gatewayUrl}/me/sessions`, CSRF)
  t.equal(mine.status, 200)
  const sessions = mine.json().sessions as Listed[]
  t.equal(sessions.length, 2, 'both of Chris\'s sessions, not Luc\'s')
  t.same(sessions.filter((session) => session.current === true).map((session) => session.device), ['Firefox on Linux'], 'this one is marked current')
  const lucHandle = (luc.get(`${stack.gatewayUrl}/me/sessions`, CSRF).then((res) => (res.json().sessions as Listed[])[0]?.handle ?? ''))

  t.equal((await laptop.request('DELETE', `${stack.gatewayUrl}/me/sessions/${await lucHandle}`, { headers: CSRF })).status, 404, 'another person\'s session cannot be ended')
  t.equal((await luc.get(`${stack.gatewayUrl}/me`)).status, 200, 'Luc is still signed in')
  t.equal((await laptop.request('DELETE', `${stack.gatewayUrl}/me/sessions/${sessions.find((s) => s.current !== true)?.handle ?? ''}`)).status, 403, 'ending needs X-CSRF too')
  const ended = await laptop.request('DELETE', `${stack.gatewayUrl}/me/sessions/${sessions.find((s) => s.current !== true)?.handle ?? ''}`, { headers: CSRF })
  t.equal(ended.status, 204, 'the phone\'s session ended from the laptop')
  t.equal((await phone.get(`${stack.gatewayUrl}/me`)).status, 401)
  const self = await laptop.request('DELETE', `${stack.gatewayUrl}/me/sessions/${sessions.find((s) => s.current === true)?.handle ?? ''}`, { headers: CSRF })
  t.equal(self.status, 204, 'ending the current one signs this browser out')
  t.equal(laptop.cookies(stack.gatewayUrl).bff, undefined, 'and clears its cookie')
  t.equal((await laptop.get(`${stack.gatewayUrl}/me`)).status, 401)
  const profile = await luc.get(`${stack.gatewayUrl}/me`)
  t.notOk('sessions' in profile.json(), '/me itself gains nothing from it')
})
