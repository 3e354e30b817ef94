import t from 'tap'
import type { ClientCall } from '../../src/dev-idp/index.js'
import { signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startTenantStack, type TenantStack } from '../helpers/tenant-stack.js'
import { TestBrowser, type TestResponse } from '../helpers/test-browser.js'

/** Follows the provider's redirects from `url` until one leaves it; the page it stops at otherwise. */
async function atProvider (browser: TestBrowser, url: string, issuer: string): Promise<{ page: TestResponse, leavesTo: URL | undefined }> {
  let current = url
  for (let hop = 0; hop < 10; hop++) {
    const page = await browser.get(current)
    if (page.location === undefined) return { page, leavesTo: undefined }
    if (new URL(page.location).origin !== new URL(issuer).origin) return { page, leavesTo: new URL(page.location) }
    current = page.location
  }
  throw new Error('too many redirects at the provider')
}

t.test('prompt, max_age, login_hint and ui_locales reach the provider as given, and the login completes', async (t) => {
  const stack = await startTenantStack(t)
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login?returnTo=/x&prompt=login&max_age=300&login_hint=${encodeURIComponent('chris.ricardo@example.be')}&ui_locales=${encodeURIComponent('nl-BE fr-BE')}`)
  t.equal(login.status, 302)
  const authorize = new URL(login.location as string)
  t.equal(authorize.searchParams.get('prompt'), 'login')
  t.equal(authorize.searchParams.get('max_age'), '300')
  t.equal(authorize.searchParams.get('login_hint'), 'chris.ricardo@example.be')
  t.equal(authorize.searchParams.get('ui_locales'), 'nl-BE fr-BE')
  const done = await browser.get((await signInAtDevIdp(browser, authorize.href, 'chris')).href)
  t.equal(done.status, 302, 'auth_time was there and within max_age')
  t.equal(done.location, `${stack.gatewayUrl}/x`)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
})

t.test('each value outside the allow-list is a 400 invalid_request, and nothing is started', async (t) => {
  const calls: ClientCall[] = []
  const stack = await startTenantStack(t, { env: { OIDC_PAR: 'true' }, idp: () => ({ onClientCall: (call) => calls.push(call) }) })
  const refused: Array<[string, string]> = [
    ['another prompt', 'prompt=consent'],
    ['two prompts in one', 'prompt=none%20login'],
    ['upper case', 'prompt=NONE'],
    ['an empty prompt', 'prompt='],
    ['a duplicated prompt', 'prompt=none&prompt=login'],
    ['a negative max_age', 'max_age=-1'],
    ['an exponent', 'max_age=1e3'],
    ['hexadecimal', 'max_age=0x10'],
    ['a leading space', 'max_age=%205'],
    ['a fraction', 'max_age=1.5'],
    ['a leading zero', 'max_age=010'],
    ['past the bound', 'max_age=31536001'],
    ['far past the bound', 'max_age=99999999'],
    ['a duplicated max_age', 'max_age=1&max_age=2'],
    ['a NUL in login_hint', 'login_hint=a%00b'],
    ['a newline in login_hint', 'login_hint=a%0Ab'],
    ['a bidi override in login_hint', 'login_hint=a%E2%80%AEb'],
    ['a line separator in login_hint', 'login_hint=a%E2%80%A8b'],
    ['an empty login_hint', 'login_hint='],
    ['a login_hint too long', `login_hint=${'a'.repeat(257)}`],
    ['an underscore tag', 'ui_locales=en_US'],
    ['a comma list', 'ui_locales=nl-BE,fr-BE'],
    ['a double space', 'ui_locales=nl%20%20fr'],
    ['eleven tags', `ui_locales=${Array.from({ length: 11 }, () => 'nl').join('%20')}`],
    ['a malformed tag', 'ui_locales=nl-'],
    ['a subtag too long', 'ui_locales=nl-abcdefghi'],
    // Parameters /login does not read: the browser never picks the acr, claims, scope or connection.
    ['acr_values', 'acr_values=urn:grn:authn:itsme:advanced'],
    ['claims', 'claims=%7B%22id_token%22%3A%7B%7D%7D'],
    ['scope', 'scope=openid%20offline_access'],
    ['connection', 'connection=Username-Password-Authentication'],
    ['another spelling of a name it reads', 'Prompt=login'],
    ['a parameter without a name', '=1']
  ]
  for (const [label, query] of refused) {
    const browser = new TestBrowser()
    const res = await browser.get(`${stack.gatewayUrl}/login?returnTo=/x&${query}`)
    t.equal(res.status, 400, label)
    t.same(Object.keys(res.json()).sort(), ['error', 'message'], label)
    t.equal(res.json().error, 'invalid_request', label)
    t.same(res.setCookies, [], `${label}: no session cookie`)
  }
  t.same(calls, [], 'nothing was pushed to the provider')
  const good = await new TestBrowser().get(`${stack.gatewayUrl}/login?max_age=0&ui_locales=sr-Latn-RS%20en&login_hint=J%C3%BCrgen%20M%C3%BCller`)
  t.equal(good.status, 302, 'the edges of the allow-list are accepted')
  t.equal(calls.length, 1)
})

t.test('prompt=none without a provider session: back to returnTo with login=required, no page of the provider, no session', async (t) => {
  const stack = await startTenantStack(t)
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login?prompt=none&returnTo=${encodeURIComponent('/app?tab=2#top')}`)
  const authorize = await browser.get(login.location as string)
  t.equal(authorize.status, 303, 'the provider answers at once')
  const back = new URL(authorize.location as string)
  t.equal(back.searchParams.get('error'), 'login_required')
  const callback = await browser.get(back)
  t.equal(callback.status, 302, 'a redirect, not an error page')
  t.equal(callback.location, `${stack.gatewayUrl}/app?tab=2&login=required#top`)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)
  t.equal((await browser.get(back)).status, 400, 'the answer is single use like any callback')
})

t.test('prompt=none with a provider session: signed in without any page of the provider', async (t) => {
  const stack = await startTenantStack(t)
  const browser = new TestBrowser()
  // A login at the provider whose way back to the gateway is never taken: a provider session, no gateway session.
  const first = await browser.get(`${stack.gatewayUrl}/login`)
  await signInAtDevIdp(browser, first.location as string, 'chris')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)

  const login = await browser.get(`${stack.gatewayUrl}/login?prompt=none&returnTo=/app`)
  const { page, leavesTo } = await atProvider(browser, login.location as string, stack.idp.issuer)
  t.notMatch(page.text, /Who are you\?/, 'no chooser')
  t.ok(leavesTo?.searchParams.has('code'), 'a code straight away')
  const callback = await browser.get(leavesTo as URL)
  t.equal(callback.status, 302)
  t.equal(callback.location, `${stack.gatewayUrl}/app`, 'no marker')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).json().name, 'Chris Ricardo')
})

t.test('prompt=login with a provider session asks the person again; without a prompt it does not', async (t) => {
  const stack = await startTenantStack(t)
  const browser = new TestBrowser()
  const first = await browser.get(`${stack.gatewayUrl}/login`)
  await signInAtDevIdp(browser, first.location as string, 'chris')
  const plain = await atProvider(browser, (await browser.get(`${stack.gatewayUrl}/login`)).location as string, stack.idp.issuer)
  t.ok(plain.leavesTo?.searchParams.has('code'), 'without a prompt, the session signs in')
  for (const query of ['prompt=login', 'max_age=0']) {
    const again = await atProvider(browser, (await browser.get(`${stack.gatewayUrl}/login?${query}`)).location as string, stack.idp.issuer)
    t.equal(again.leavesTo, undefined, `${query}: the provider stays`)
    t.match(again.page.text, /Who are you\?/, `${query}: the chooser again`)
  }
})

t.test('silent answers the gateway does not take as such: another error, a login that was not silent, another issuer', async (t) => {
  const stack = await startTenantStack(t)
  /** A pending login in a fresh browser, and a forged provider answer for it. */
  async function answer (query: string, response: Record<string, string>): Promise<TestResponse> {
    const browser = new TestBrowser()
    const authorize = new URL((await browser.get(`${stack.gatewayUrl}/login?returnTo=/app&${query}`)).location as string)
    const back = new URL(`${stack.gatewayUrl}/callback`)
    back.search = new URLSearchParams({ state: authorize.searchParams.get('state') as string, iss: stack.idp.issuer, ...response }).toString()
    return await browser.get(back)
  }
  const denied = await answer('prompt=none', { error: 'access_denied' })
  t.equal(denied.status, 403)
  t.equal(denied.json().error, 'access_denied', 'a silent login refused otherwise is an error as before')
  const notSilent = await answer('prompt=login', { error: 'login_required' })
  t.equal(notSilent.status, 400)
  t.equal(notSilent.json().error, 'login_failed', 'only a silent login turns login_required into the marker')
  const otherIssuer = await answer('prompt=none', { error: 'login_required', iss: 'https://evil.example' })
  t.equal(otherIssuer.status, 400)
  t.equal(otherIssuer.json().error, 'issuer_mismatch', 'the answer must be our provider\'s')
  for (const error of ['interaction_required', 'consent_required', 'account_selection_required']) {
    const res = await answer('prompt=none', { error })
    t.equal(res.status, 302, error)
    t.equal(res.location, `${stack.gatewayUrl}/app?login=required`, error)
  }
})
