import t from 'tap'
import { TestBrowser } from '../helpers/test-browser.js'
import { signInAtDevIdp, logoutAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack, TEST_CLIENT_ID, type Stack } from '../helpers/gateway.js'

async function logIn (stack: Stack, browser: TestBrowser): Promise<{ sid: string, logoutUrl: string }> {
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  await browser.get(callback.href)
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  return me.json().session
}

t.test('logout with a wrong sid is a 400 and the session is kept', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  await logIn(stack, browser)
  for (const url of ['/logout', '/logout?sid=', '/logout?sid=somebody-else']) {
    const res = await browser.get(`${stack.gatewayUrl}${url}`)
    t.equal(res.status, 400, url)
    t.equal(res.json().error, 'invalid_sid', url)
  }
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200, 'still signed in')
})

t.test('logout ends the session and sends the browser to the provider\'s end-session endpoint', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  const session = await logIn(stack, browser)
  const res = await browser.get(`${stack.gatewayUrl}${session.logoutUrl}`)
  t.equal(res.status, 302)
  const endSession = new URL(res.location as string)
  t.equal(endSession.origin, new URL(stack.idp.issuer).origin)
  t.equal(endSession.searchParams.get('id_token_hint'), null, 'no ID token in the URL')
  t.equal(endSession.searchParams.get('logout_hint'), session.sid, 'the provider\'s sid as logout_hint')
  t.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${stack.gatewayUrl}/`)
  t.ok(res.setCookies.some((c) => /^bff=;/.test(c)), 'the cookie is cleared')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401, 'signed out here at once')

  const back = await logoutAtDevIdp(browser, endSession.href)
  t.equal(back.href, `${stack.gatewayUrl}/`, 'the provider sends the browser home')
})

t.test('a back-channel logout from the provider ends the session', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  await logIn(stack, browser)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
  // The user signs out at the provider itself (another app, say): it tells us on the back channel.
  const endSession = new URL('/session/end', stack.idp.issuer)
  await logoutAtDevIdp(browser, endSession.href)
  let status = 200
  for (let i = 0; i < 50 && status === 200; i++) {
    status = (await browser.get(`${stack.gatewayUrl}/me`)).status
    if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(status, 401, 'the gateway session ended')
  t.match(stack.logs.text, /"sessionsEnded":1/)
})

t.test('a forged logout token is a 400 and changes nothing', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  await logIn(stack, browser)
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'logout+jwt' })).toString('base64url')
  const payload = Buffer.from(JSON.stringify({ iss: stack.idp.issuer, aud: TEST_CLIENT_ID, iat: Math.floor(Date.now() / 1000), jti: 'x', events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, sub: 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}' })).toString('base64url')
  for (const token of [`${header}.${payload}.`, 'not-a-jwt', `${header}.${payload}.c2lnbmF0dXJl`]) {
    const res = await new TestBrowser().post(`${stack.gatewayUrl}/backchannel-logout`, { logout_token: token })
    t.equal(res.status, 400)
    t.equal(res.json().error, 'logout_token_invalid')
  }
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200, 'the session survives')
})

t.test('a session left idle past SESSION_IDLE_TIMEOUT ends; one in use slides until SESSION_MAX_AGE', async (t) => {
  const stack = await startStack(t, { env: { SESSION_IDLE_TIMEOUT: '1', SESSION_MAX_AGE: '2' } })
  const idle = new TestBrowser()
  const busy = new TestBrowser()
  await logIn(stack, idle)
  await logIn(stack, busy)
  const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
  await wait(600)
  t.equal((await busy.get(`${stack.gatewayUrl}/me`)).status, 200, 'used within the idle timeout')
  await wait(600)
  t.equal((await busy.get(`${stack.gatewayUrl}/me`)).status, 200, 'the idle timer slid')
  t.equal((await idle.get(`${stack.gatewayUrl}/me`)).status, 401, 'idle for 1.2 s: ended')
  await wait(900)
  t.equal((await busy.get(`${stack.gatewayUrl}/me`)).status, 401, 'the absolute lifetime ends it regardless')
})
