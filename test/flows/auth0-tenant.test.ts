import t from 'tap'
import { signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startRogueStack } from '../helpers/rogue-stack.js'
import { startTenantStack, type TenantStack } from '../helpers/tenant-stack.js'
import { TestBrowser, type TestResponse } from '../helpers/test-browser.js'
import { TEST_CLIENT_ID } from '../helpers/constants.js'

/*
 * What an Auth0 tenant needs that Auth0 alone has: Organizations, and the
 * `/v2/logout` of a tenant that does not advertise `end_session_endpoint`.
 * The embedded provider stands for the tenant (Auth0 itself cannot run
 * here): it issues `org_id` / `org_name` as Auth0 does, and with
 * `auth0Logout` has Auth0's metadata shape and a `/v2/logout` of its own.
 */

async function logIn (stack: TenantStack, browser: TestBrowser, query = ''): Promise<{ authorize: URL, callback: TestResponse }> {
  const login = await browser.get(`${stack.gatewayUrl}/login?returnTo=/home${query}`)
  const authorize = new URL(login.location as string)
  const callback = await browser.get((await signInAtDevIdp(browser, authorize.href, 'chris')).href)
  return { authorize, callback }
}

t.test('OIDC_ORGANIZATION: sent as organization on every login, and the ID token\'s organization checked', async (t) => {
  const rows: Array<[string, string, { id?: string, name?: string }]> = [
    ['by id, against org_id', 'org_Ab12Cd34', { id: 'org_Ab12Cd34', name: 'acme' }],
    ['by name, against org_name', 'acme', { id: 'org_Ab12Cd34', name: 'acme' }]
  ]
  for (const [label, organization, issued] of rows) {
    const stack = await startTenantStack(t, { env: { OIDC_ORGANIZATION: organization }, idp: () => ({ organization: issued }) })
    const browser = new TestBrowser()
    const chosen = await browser.get(`${stack.gatewayUrl}/login?returnTo=/home&organization=org_evil`)
    t.equal(chosen.status, 400, `${label}: /login cannot choose another organization`)
    t.equal(chosen.json().error, 'invalid_request', label)
    const { authorize, callback } = await logIn(stack, browser)
    t.same(authorize.searchParams.getAll('organization'), [organization], `${label}: the configured organization`)
    t.equal(callback.status, 302, label)
    t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200, label)
  }
})

t.test('a login without the organization, or in another one, is refused: id_token_invalid and no session', async (t) => {
  const rows: Array<[string, string, { id?: string, name?: string } | undefined]> = [
    ['no organization at all', 'org_Ab12Cd34', undefined],
    ['another org_id', 'org_Ab12Cd34', { id: 'org_Zz99', name: 'acme' }],
    ['only a name, when an id was asked', 'org_Ab12Cd34', { name: 'acme' }],
    ['another org_name', 'acme', { id: 'org_Ab12Cd34', name: 'globex' }],
    ['no org_name, when a name was asked', 'acme', { id: 'org_Ab12Cd34' }]
  ]
  for (const [label, organization, issued] of rows) {
    const stack = await startTenantStack(t, { env: { OIDC_ORGANIZATION: organization }, idp: () => ({ organization: issued }) })
    const browser = new TestBrowser()
    const { callback } = await logIn(stack, browser)
    t.equal(callback.status, 400, label)
    t.equal(callback.json().error, 'id_token_invalid', label)
    t.same(callback.setCookies.filter((line) => /^bff=[^;]+/.test(line) && !/max-age=0|expires=thu, 01 jan 1970/i.test(line)), [], `${label}: no session cookie`)
    t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401, label)
  }
})

t.test('an Auth0 tenant without end_session_endpoint: /logout goes to its /v2/logout, which ends its session and comes back', async (t) => {
  const stack = await startTenantStack(t, { idp: () => ({ auth0Logout: true }) })
  const metadata = await (await fetch(`${stack.idp.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>
  t.equal(metadata.end_session_endpoint, undefined, 'no end_session_endpoint')
  t.equal(metadata.mfa_challenge_endpoint, `${stack.idp.issuer}/mfa/challenge`, 'Auth0\'s metadata shape')

  const browser = new TestBrowser()
  t.equal((await logIn(stack, browser)).callback.status, 302)
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  const logout = await browser.get(`${stack.gatewayUrl}${me.json().session.logoutUrl as string}`)
  t.equal(logout.status, 302)
  const target = new URL(logout.location as string)
  t.equal(`${target.origin}${target.pathname}`, `${stack.idp.issuer}/v2/logout`)
  t.same(Object.fromEntries(target.searchParams), { client_id: TEST_CLIENT_ID, returnTo: `${stack.gatewayUrl}/` }, 'client_id and returnTo, no ID token')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401, 'the gateway session ended first')

  const back = await browser.get(target)
  t.equal(back.status, 302)
  t.equal(back.location, `${stack.gatewayUrl}/`, 'back to the allowed logout URL')
  const silent = await browser.get((await browser.get(`${stack.gatewayUrl}/login?prompt=none&returnTo=/home`)).location as string)
  const answer = await browser.get(silent.location as string)
  t.equal(answer.location, `${stack.gatewayUrl}/home?login=required`, 'the provider session ended too')

  const elsewhere = new URL(target)
  elsewhere.searchParams.set('returnTo', 'https://evil.example/')
  t.equal((await browser.get(elsewhere)).status, 400, 'the stand-in is no open redirector')
})

t.test('a provider that is not Auth0 and has no end_session_endpoint: only the gateway\'s session ends', async (t) => {
  const stack = await startRogueStack(t)
  const { browser, callback } = await stack.attempt(t, {})
  t.equal(callback.status, 302)
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  const logout = await browser.get(`${stack.gatewayUrl}${me.json().session.logoutUrl as string}`)
  t.equal(logout.status, 302)
  t.equal(logout.location, `${stack.gatewayUrl}/`)
})
