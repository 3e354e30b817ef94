import t from 'tap'
import { TestBrowser } from '../helpers/test-browser.js'
import { signInAtDevIdp, cancelAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'


/** Starts a login at the gateway and returns the provider's redirect back to /callback (not yet requested). */
async function startLogin (stack: Stack, browser: TestBrowser, query = '?returnTo=/dashboard'): Promise<{ login: Awaited<ReturnType<TestBrowser['get']>>, callback: URL }> {
  const login = await browser.get(`${stack.gatewayUrl}/login${query}`)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  return { login, callback }
}

async function logIn (stack: Stack, browser: TestBrowser, query?: string): Promise<Awaited<ReturnType<TestBrowser['get']>>> {
  const { callback } = await startLogin(stack, browser, query)
  return await browser.get(callback.href)
}

t.test('a full login ends on /me with the mapped itsme profile', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()

  const login = await browser.get(`${stack.gatewayUrl}/login?returnTo=/dashboard&eid=itsme`)
  t.equal(login.status, 302)
  const authorize = new URL(login.location as string)
  t.equal(authorize.origin, new URL(stack.idp.issuer).origin, 'to the provider')
  t.equal(authorize.searchParams.get('response_type'), 'code')
  t.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
  t.match(authorize.searchParams.get('code_challenge'), /^[\w-]{43}$/)
  t.match(authorize.searchParams.get('state'), /^[\w-]{20,}$/)
  t.match(authorize.searchParams.get('nonce'), /^[\w-]{20,}$/)
  t.equal(authorize.searchParams.get('redirect_uri'), `${stack.gatewayUrl}/callback`)
  t.equal(authorize.searchParams.get('connection'), 'criipto-itsme', 'the eid picks the Auth0 connection')
  const preLoginCookie = browser.cookies(stack.gatewayUrl).bff
  t.ok(preLoginCookie, 'the login is bound to this browser')

  const callback = await signInAtDevIdp(browser, authorize.href, 'chris')
  t.equal(callback.searchParams.get('iss'), stack.idp.issuer, 'RFC 9207 iss in the response')
  const done = await browser.get(callback.href)
  t.equal(done.status, 302)
  t.equal(done.location, `${stack.gatewayUrl}/dashboard`)
  const cookie = done.setCookies.find((c) => c.startsWith('bff='))
  t.ok(cookie, 'a session cookie')
  t.match(cookie, /HttpOnly/i)
  t.match(cookie, /SameSite=Lax/i)
  t.match(cookie, /Path=\//)
  t.notMatch(cookie, /Secure/i, 'not Secure over plain http')
  t.not(browser.cookies(stack.gatewayUrl).bff, preLoginCookie, 'a new session id after login (no fixation)')
  t.ok((browser.cookies(stack.gatewayUrl).bff as string).length < 120, 'one short opaque cookie')

  const me = await browser.get(`${stack.gatewayUrl}/me`)
  t.equal(me.status, 200)
  t.equal(me.headers.get('cache-control'), 'no-store')
  const profile = me.json()
  const { session, assurance, ...rest } = profile
  t.same(rest, CHRIS_PROFILE, 'the contract profile')
  t.same(Object.keys(assurance).sort(), ['acr', 'authTime', 'level'], 'with how the login authenticated her')
  t.match(assurance, { level: 'substantial', acr: 'urn:grn:authn:itsme:basic' }, 'itsme basic, the provider\'s choice without acr_values')
  t.type(session.sid, 'string')
  t.equal(session.logoutUrl, `/logout?sid=${encodeURIComponent(session.sid)}`)
  t.ok(Date.parse(session.expiresAt) > Date.now(), 'expiresAt is in the future')
  t.notMatch(me.text, /eyJ/, 'no token reaches the browser')
})

t.test('the session fixation attempt: a planted pre-login id does not become the signed-in session', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  const { callback } = await startLogin(stack, browser)
  const planted = browser.cookies(stack.gatewayUrl).bff as string
  await browser.get(callback.href)
  const me = await new TestBrowser().request('GET', `${stack.gatewayUrl}/me`, { headers: { cookie: `bff=${planted}` } })
  t.equal(me.status, 401)
})

t.test('returnTo to another origin falls back to /', async (t) => {
  const stack = await startStack(t)
  for (const returnTo of ['https://evil.example', '//evil.example', '/\\evil.example']) {
    const browser = new TestBrowser()
    const done = await logIn(stack, browser, `?returnTo=${encodeURIComponent(returnTo)}`)
    t.equal(done.status, 302, returnTo)
    t.equal(done.location, `${stack.gatewayUrl}/`, returnTo)
  }
})

t.test('a tampered state is refused and leaves no session', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  const { callback } = await startLogin(stack, browser)
  callback.searchParams.set('state', `${callback.searchParams.get('state') as string}x`)
  const res = await browser.get(callback.href)
  t.equal(res.status, 400)
  t.equal(res.json().error, 'invalid_state')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)
})

t.test('a missing state is refused and leaves no session', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  const { callback } = await startLogin(stack, browser)
  callback.searchParams.delete('state')
  const res = await browser.get(callback.href)
  t.equal(res.status, 400)
  t.equal(res.json().error, 'invalid_state')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)
})

t.test('a replayed callback is refused, in the same browser and in another', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  const { callback } = await startLogin(stack, browser)
  t.equal((await browser.get(callback.href)).status, 302, 'first use works')
  const again = await browser.get(callback.href)
  t.equal(again.status, 400)
  t.equal(again.json().error, 'invalid_state')
  const stranger = new TestBrowser()
  const replay = await stranger.get(callback.href)
  t.equal(replay.status, 400)
  t.equal(replay.json().error, 'invalid_state')
  t.equal((await stranger.get(`${stack.gatewayUrl}/me`)).status, 401)
})

t.test('a callback opened in another browser fails there; the browser that started it can still finish', async (t) => {
  const stack = await startStack(t)
  const victim = new TestBrowser()
  const { callback } = await startLogin(stack, victim)
  const other = new TestBrowser()
  const foreign = await other.get(callback.href)
  t.equal(foreign.status, 400)
  t.equal(foreign.json().error, 'invalid_state')
  t.same(foreign.setCookies, [], 'no cookie for the other browser')
  t.equal((await other.get(`${stack.gatewayUrl}/me`)).status, 401)
  t.equal((await victim.get(callback.href)).status, 302)
  t.equal((await victim.get(`${stack.gatewayUrl}/me`)).status, 200)
})

t.test('two tabs can log in at once', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  const first = await browser.get(`${stack.gatewayUrl}/login?returnTo=/one`)
  const second = await browser.get(`${stack.gatewayUrl}/login?returnTo=/two`)
  const callbackOne = await signInAtDevIdp(browser, first.location as string, 'chris')
  const done = await browser.get(callbackOne.href)
  t.equal(done.location, `${stack.gatewayUrl}/one`)
  t.ok(second.location)
})

t.test('the provider refusing the login (access_denied) is a 403 and no session', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await cancelAtDevIdp(browser, login.location as string)
  t.equal(callback.searchParams.get('error'), 'access_denied')
  const res = await browser.get(callback.href)
  t.equal(res.status, 403)
  t.same(res.json(), { error: 'access_denied', message: 'The login was cancelled or refused at the identity provider' })
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)
})

t.test('the provider going away before the callback: 502, no session, the gateway keeps serving', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  const { callback } = await startLogin(stack, browser)
  await stack.idp.close()
  const res = await browser.get(callback.href)
  t.equal(res.status, 502)
  t.equal(res.json().error, 'provider_unavailable')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)
  t.equal((await browser.get(`${stack.gatewayUrl}/healthz`)).status, 200)
})
