import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import type { DevIdpOptions } from '../../src/dev-idp/index.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js'
import { TestBrowser } from '../helpers/test-browser.js'

const CSRF = { 'x-csrf': '1' }
const EID_CONNECTIONS = {
  itsme: { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:basic' },
  'itsme-advanced': { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:advanced' },
  'mitid-high': { acr_values: 'urn:grn:authn:dk:mitid:high' }
}
/** Seconds: short, so a test can outwait it (bounded: a few seconds). */
const RECENT = 3

async function stepUpStack (t: { teardown (fn: () => unknown): void }, idp: Partial<DevIdpOptions> = {}): Promise<{ stack: Stack, upstream: RecordingUpstream }> {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  const stack = await startStack(t, {
    env: {
      EID_CONNECTIONS: JSON.stringify(EID_CONNECTIONS),
      UPSTREAMS: JSON.stringify({
        open: upstream.url,
        high: { url: `${upstream.url}/high`, level: 'high' },
        recent: { url: `${upstream.url}/recent`, maxAge: RECENT },
        'public-high': { url: `${upstream.url}/public`, token: 'none', level: 'high' }
      })
    },
    idp
  })
  return { stack, upstream }
}

/** /login with `query` as `identity`; returns the callback's answer. */
async function logIn (browser: TestBrowser, stack: Stack, query: string, identity = 'chris'): Promise<{ status: number, setCookies: string[], authorization: URL, body: string }> {
  const login = await browser.get(`${stack.gatewayUrl}/login${query}`)
  const authorization = new URL(login.location as string)
  const back = await signInAtDevIdp(browser, authorization.href, identity)
  const callback = await browser.get(back.href)
  return { status: callback.status, setCookies: callback.setCookies, authorization, body: callback.text }
}

/**
 * /login with `query`, signing in as another person than the provider's
 * session holds: the provider first ends its session of the other one, with
 * a page whose script posts a form; this posts it as that script would.
 */
async function logInAsAnother (browser: TestBrowser, stack: Stack, query: string, identity: string): Promise<{ status: number, body: string }> {
  const login = await browser.get(`${stack.gatewayUrl}/login${query}`)
  let location = login.location as string
  let page = await browser.get(location)
  for (let hop = 0; hop < 10 && page.location !== undefined; hop++) {
    location = page.location
    page = await browser.get(location)
  }
  const action = /<form method="post" action="([^"]+)\/login">/.exec(page.text)?.[1] as string
  let response = await browser.post(new URL(`${action}/login`, location).href, { identity })
  for (let hop = 0; hop < 10; hop++) {
    if (response.location !== undefined) {
      if (new URL(response.location).origin !== stack.idp.issuer) break
      response = await browser.get(response.location)
      continue
    }
    const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(response.text)
    if (form === null) throw new Error(`the provider answered ${response.status} without a form`)
    const fields = Object.fromEntries([...(form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((input) => [input[1], input[2]]))
    response = await browser.post(form[1] as string, fields as Record<string, string>)
  }
  const callback = await browser.get(response.location as string)
  return { status: callback.status, body: callback.text }
}

function bearerOf (headers: Record<string, unknown>): string {
  return String(headers.authorization ?? '').replace(/^Bearer /, '')
}

t.test('a service that needs high answers a substantial login with 401 and the RFC 9470 challenge, and nothing reaches it', async (t) => {
  const { stack, upstream } = await stepUpStack(t)
  const browser = new TestBrowser()
  t.equal((await logIn(browser, stack, '?eid=itsme')).status, 302)

  for (const path of ['/api/high/items', '/api/high', '/api/public-high/x']) {
    const refused = await browser.get(`${stack.gatewayUrl}${path}`, CSRF)
    t.equal(refused.status, 401, `${path}: 401`)
    t.same(refused.json(), { error: 'insufficient_user_authentication', message: refused.json().message }, `${path}: the code, as JSON`)
    t.equal(refused.headers.get('www-authenticate'),
      'Bearer error="insufficient_user_authentication", error_description="This service needs a login at the level high or higher", acr_values="urn:grn:authn:itsme:advanced urn:grn:authn:dk:mitid:high"',
      `${path}: the acr values of the eID options that reach high`)
    t.equal(refused.headers.get('cache-control'), 'no-store', `${path}: not cached`)
  }
  const post = await browser.request('POST', `${stack.gatewayUrl}/api/high/items`, { headers: { ...CSRF, 'content-type': 'application/json', 'x-assurance-level': 'high' }, body: '{"a":1}' })
  t.equal(post.status, 401, 'a body, and a claimed level, change nothing')
  t.equal(upstream.received.length, 0, 'nothing reached the upstream')

  const open = await browser.get(`${stack.gatewayUrl}/api/open/items`, { ...CSRF, 'x-assurance-level': 'high' })
  t.equal(open.status, 200, 'a service without a level takes the login')
  t.equal(upstream.received[0]?.headers['x-assurance-level'], 'substantial', 'and is told its level by the gateway, not by the browser')
  t.equal((await new TestBrowser().get(`${stack.gatewayUrl}/api/high/items`, CSRF)).status, 401, 'without a session: 401 unauthenticated')
})

t.test('a step-up upgrades the session in place: one cookie, replaced, new tokens, the new level', async (t) => {
  const { stack, upstream } = await stepUpStack(t)
  const cookieName = stack.config.session.cookieName
  const browser = new TestBrowser()
  t.equal((await logIn(browser, stack, '?eid=itsme')).status, 302)
  const before = browser.cookies(stack.gatewayUrl)[cookieName] as string
  t.equal((await browser.get(`${stack.gatewayUrl}/api/open/x`, CSRF)).status, 200)
  const oldToken = bearerOf(upstream.received[0]?.headers ?? {})
  t.equal((await browser.get(`${stack.gatewayUrl}/api/high/x`, CSRF)).status, 401)

  const stepUp = await logIn(browser, stack, '?eid=itsme-advanced&stepUp=1&returnTo=/orders/42')
  t.equal(stepUp.authorization.searchParams.get('prompt'), 'login', 'the provider must authenticate again (its own session is still there)')
  t.equal(stepUp.authorization.searchParams.get('max_age'), '0', 'and say when it did')
  t.equal(stepUp.authorization.searchParams.get('acr_values'), 'urn:grn:authn:itsme:advanced')
  t.equal(stepUp.status, 302, 'stepped up')
  const sessionCookies = stepUp.setCookies.filter((line) => line.startsWith(`${cookieName}=`))
  t.equal(sessionCookies.length, 1, 'one session cookie in the answer')
  const after = browser.cookies(stack.gatewayUrl)[cookieName] as string
  t.ok(after !== undefined && after !== before, 'with a new value')
  t.equal(stepUp.setCookies.length, 1, 'and no other cookie')

  const old = new TestBrowser()
  const oldMe = await old.get(`${stack.gatewayUrl}/me`, { cookie: `${cookieName}=${before}` })
  t.equal(oldMe.status, 401, 'the old cookie\'s session is gone: the old level is not kept anywhere')

  const me = (await browser.get(`${stack.gatewayUrl}/me`)).json()
  t.equal(me.sub, CHRIS_PROFILE.sub, 'the same person')
  t.match(me.assurance, { level: 'high', acr: 'urn:grn:authn:itsme:advanced' }, 'at the new level')
  t.ok(Date.parse(me.assurance.authTime) >= Date.now() - 60_000, 'authenticated just now')

  const high = await browser.get(`${stack.gatewayUrl}/api/high/x`, CSRF)
  t.equal(high.status, 200, 'the service takes the new login')
  const received = upstream.received.at(-1)
  t.equal(received?.url, '/high/x')
  t.equal(received?.headers['x-assurance-level'], 'high')
  const newToken = bearerOf(received?.headers ?? {})
  t.ok(newToken.length > 16, 'with a bearer token')
  t.not(newToken, oldToken, 'the new login\'s access token, not the old one')
})

t.test('a step-up that signs in another person is refused, and the session stays as it was', async (t) => {
  // No back-channel logout here: the provider ends its session of Chris when Lotte signs in, and would tell the gateway.
  const { stack } = await stepUpStack(t, { backchannelLogoutUri: undefined })
  const cookieName = stack.config.session.cookieName
  const browser = new TestBrowser()
  t.equal((await logIn(browser, stack, '?eid=itsme')).status, 302)
  const before = browser.cookies(stack.gatewayUrl)[cookieName]

  const other = await logInAsAnother(browser, stack, '?eid=itsme-advanced&stepUp=1', 'lotte')
  t.equal(other.status, 403)
  t.equal(JSON.parse(other.body).error, 'step_up_subject_mismatch')
  t.equal(browser.cookies(stack.gatewayUrl)[cookieName], before, 'the same cookie')
  const me = (await browser.get(`${stack.gatewayUrl}/me`)).json()
  t.equal(me.sub, CHRIS_PROFILE.sub, 'still Chris')
  t.equal(me.assurance.level, 'substantial', 'at her old level')
  t.equal((await browser.get(`${stack.gatewayUrl}/api/high/x`, CSRF)).status, 401, 'which the service still refuses')

  const another = await logInAsAnother(browser, stack, '?eid=mitid-high&stepUp=1', 'ditlev')
  t.equal(another.status, 403, 'another eID\'s person as well')
  t.equal(JSON.parse(another.body).error, 'step_up_subject_mismatch')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).json().sub, CHRIS_PROFILE.sub)
})

t.test('with back-channel logout, the provider ending its session of the first person ends the gateway\'s too, and nobody is signed in', async (t) => {
  const { stack } = await stepUpStack(t)
  const browser = new TestBrowser()
  t.equal((await logIn(browser, stack, '?eid=itsme')).status, 302)
  const other = await logInAsAnother(browser, stack, '?eid=itsme-advanced&stepUp=1', 'lotte')
  t.equal(other.status, 400, 'the step-up belonged to the session that ended')
  t.equal(JSON.parse(other.body).error, 'invalid_state')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401, 'neither Chris nor Lotte')
})

t.test('maxAge: a login older than the service allows is asked to authenticate again, and a step-up answers it', async (t) => {
  const { stack, upstream } = await stepUpStack(t)
  const browser = new TestBrowser()
  t.equal((await logIn(browser, stack, '?eid=itsme')).status, 302)
  const authTime = Date.parse((await browser.get(`${stack.gatewayUrl}/me`)).json().assurance.authTime as string)
  t.equal((await browser.get(`${stack.gatewayUrl}/api/recent/x`, CSRF)).status, 200, 'within maxAge: through')

  // Outwait maxAge, bounded: auth_time has whole seconds.
  await sleep(Math.max(0, authTime + (RECENT + 1) * 1000 + 50 - Date.now()))
  const received = upstream.received.length
  const stale = await browser.get(`${stack.gatewayUrl}/api/recent/x`, CSRF)
  t.equal(stale.status, 401, 'past maxAge: 401')
  t.equal(stale.json().error, 'insufficient_user_authentication')
  t.equal(stale.headers.get('www-authenticate'), `Bearer error="insufficient_user_authentication", error_description="This service needs a more recent login", max_age="${RECENT}"`, 'max_age, no acr_values: the level was fine')
  t.equal(upstream.received.length, received, 'nothing reached the upstream')
  t.equal((await browser.get(`${stack.gatewayUrl}/api/open/x`, CSRF)).status, 200, 'a service without maxAge still takes it')

  t.equal((await logIn(browser, stack, '?eid=itsme&stepUp=1')).status, 302, 'a step-up at the same level')
  t.equal((await browser.get(`${stack.gatewayUrl}/api/recent/x`, CSRF)).status, 200, 'authenticated again: through')
})

t.test('/login?stepUp=1 without a session is a plain login; other values are refused', async (t) => {
  const { stack } = await stepUpStack(t)
  const browser = new TestBrowser()
  const plain = await logIn(browser, stack, '?eid=itsme-advanced&stepUp=1')
  t.equal(plain.status, 302, 'signed in')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).json().assurance.level, 'high')
  for (const value of ['yes', '2', '', '1&stepUp=1']) {
    const res = await new TestBrowser().get(`${stack.gatewayUrl}/login?eid=itsme&stepUp=${value}`)
    t.equal(res.status, 400, `stepUp=${value}`)
    t.equal(res.json().error, 'invalid_request')
  }
})
