import t from 'tap'
import { decodeJwt } from 'jose'
import { logoutAtDevIdp, signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack, TEST_CLIENT_ID, type Stack } from '../helpers/gateway.js'
import { TestBrowser } from '../helpers/test-browser.js'

const MAX_HOPS = 10

/** Signs in through the gateway; returns /me's session part and the login's authorization URL. */
async function logIn (stack: Stack, browser: TestBrowser): Promise<{ sid: string, logoutUrl: string }> {
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  await browser.get(callback.href)
  return (await browser.get(`${stack.gatewayUrl}/me`)).json().session
}

/**
 * Starts a login and follows the provider's redirects: true when the provider
 * asks who is signing in (it has no session for this browser), false when it
 * sends the browser straight back to the gateway (it still has one).
 */
async function providerAsksWhoYouAre (stack: Stack, browser: TestBrowser): Promise<boolean> {
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const provider = new URL(stack.idp.issuer).origin
  let response = await browser.get(login.location as string)
  for (let hop = 0; hop < MAX_HOPS && response.location !== undefined; hop++) {
    if (new URL(response.location).origin !== provider) return false
    response = await browser.get(response.location)
  }
  return response.status === 200 && response.text.includes('Who are you?')
}

t.test('the logout redirect carries no ID token: client_id, the provider\'s sid as logout_hint, the post-logout URI', async (t) => {
  const stack = await startStack(t)
  const browser = new TestBrowser()
  const session = await logIn(stack, browser)
  t.notOk(await providerAsksWhoYouAre(stack, browser), 'control: while the provider\'s session lives, a new login is not asked again')
  const res = await browser.get(`${stack.gatewayUrl}${session.logoutUrl}`)
  t.equal(res.status, 302)
  const endSession = new URL(res.location as string)
  t.equal(endSession.origin, new URL(stack.idp.issuer).origin, 'to the provider\'s end-session endpoint')
  t.equal(endSession.searchParams.get('id_token_hint'), null, 'no id_token_hint')
  t.notMatch(endSession.href, /eyJ/, 'no JWT anywhere in the URL (browser history, provider logs)')
  t.notMatch(decodeURIComponent(endSession.href), /65070862267|Louizalaan|1965-07-08/, 'none of the claims either')
  t.equal(endSession.searchParams.get('client_id'), TEST_CLIENT_ID, 'the client names itself')
  t.equal(endSession.searchParams.get('logout_hint'), session.sid, 'the provider\'s session id says whose session ends')
  t.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${stack.gatewayUrl}/`)

  const back = await logoutAtDevIdp(browser, endSession.href)
  t.equal(back.href, `${stack.gatewayUrl}/`, 'the provider accepts it and sends the browser home')
  t.ok(await providerAsksWhoYouAre(stack, browser), 'the provider\'s own session has ended: the next login asks again')
})

t.test('OIDC_LOGOUT_HINT=id_token keeps id_token_hint for providers that need it', async (t) => {
  const stack = await startStack(t, { env: { OIDC_LOGOUT_HINT: 'id_token' } })
  const browser = new TestBrowser()
  const session = await logIn(stack, browser)
  const res = await browser.get(`${stack.gatewayUrl}${session.logoutUrl}`)
  const endSession = new URL(res.location as string)
  const hint = endSession.searchParams.get('id_token_hint')
  t.match(hint, /^eyJ/, 'the ID token, as asked')
  t.equal(decodeJwt(hint as string).sid, session.sid, 'of this session')
  t.equal(endSession.searchParams.get('logout_hint'), null, 'no logout_hint beside it')
  t.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${stack.gatewayUrl}/`)
  const back = await logoutAtDevIdp(browser, endSession.href)
  t.equal(back.href, `${stack.gatewayUrl}/`)
})
