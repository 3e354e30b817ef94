import t from 'tap'
import { DEV_SERVICE_CLIENT } from '../../src/dev-idp/index.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { serviceToken } from '../helpers/service-token.js'
import { TestBrowser } from '../helpers/test-browser.js'

const AUDIENCE = 'urn:eid-bff:internal'
/** The embedded provider's database user: her ID token carries the namespaced national number and address a careless Action copied from user_metadata. */
const MALLORY_SUB = 'auth0|6650f1c2a7b3e40012d4c9aa'

async function serviceStack (t: { teardown (fn: () => unknown): void }): Promise<Stack> {
  return await startStack(t, {
    env: { INTERNAL_AUDIENCE: AUDIENCE, EID_CONNECTIONS: '{"itsme":"criipto-itsme","sebankid":"criipto-sebankid"}' },
    idp: { serviceClient: { ...DEV_SERVICE_CLIENT, audience: AUDIENCE } }
  })
}

/** /login with `query`, the chooser as `identity`, the callback; then /me. */
async function profileAfterLogin (stack: Stack, query: string, identity: string): Promise<Record<string, unknown>> {
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login${query}`)
  const callback = await signInAtDevIdp(browser, login.location as string, identity)
  const done = await browser.get(callback.href)
  if (done.status !== 302) throw new Error(`callback answered ${done.status}: ${done.text}`)
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  if (me.status !== 200) throw new Error(`/me answered ${me.status}`)
  const { session: _session, assurance: _assurance, ...profile } = me.json() as Record<string, unknown>
  return profile
}

async function serviceLookup (stack: Stack, sub: string): Promise<{ status: number, body: Record<string, unknown> }> {
  const token = await serviceToken(stack.idp.issuer, 'claims:profile claims:address claims:national_number claims:sub')
  const res = await new TestBrowser().get(`${stack.gatewayUrl}/internal/users/${encodeURIComponent(sub)}/claims`, { authorization: `Bearer ${token}` })
  return { status: res.status, body: res.json() }
}

t.test('a database user who asks for /login?eid=itsme gets no eID and no national identifier, in /me or from the service API', async (t) => {
  const stack = await serviceStack(t)
  for (const query of ['?eid=itsme', '?eid=sebankid', '']) {
    const profile = await profileAfterLogin(stack, query, 'mallory')
    t.equal(profile.sub, MALLORY_SUB, `${query || 'no eid'}: signed in`)
    t.equal(profile.eid, undefined, `${query || 'no eid'}: /me names no eID`)
    t.equal(profile.nationalNumber, undefined, `${query || 'no eid'}: /me has no nationalNumber`)
    t.equal(profile.nationalId, undefined, `${query || 'no eid'}: /me has no nationalId`)
    t.equal(profile.address, undefined, `${query || 'no eid'}: /me has no address the Action copied from the user's own profile`)
    t.equal(profile.givenName, 'Mallory', `${query || 'no eid'}: the names stay`)

    const lookup = await serviceLookup(stack, MALLORY_SUB)
    t.equal(lookup.status, 200, `${query || 'no eid'}: the service API knows her`)
    t.equal(lookup.body.eid, undefined, `${query || 'no eid'}: the service API names no eID`)
    t.equal(lookup.body.nationalNumber, undefined, `${query || 'no eid'}: the service API gives no nationalNumber`)
    t.equal(lookup.body.nationalId, undefined, `${query || 'no eid'}: the service API gives no nationalId`)
    t.equal(lookup.body.address, undefined, `${query || 'no eid'}: nor that address`)
  }
})

t.test('itsme logins keep eid itsme and their numbers, whatever eid the browser asked for', async (t) => {
  const stack = await serviceStack(t)
  const chris = { ...CHRIS_PROFILE }
  for (const query of ['?eid=itsme', '', '?eid=sebankid']) {
    t.same(await profileAfterLogin(stack, query, 'chris'), chris, `${query || 'no eid'}: the contract profile`)
    const lookup = await serviceLookup(stack, CHRIS_PROFILE.sub)
    t.equal(lookup.body.eid, 'itsme', `${query || 'no eid'}: the service API names itsme`)
    t.equal(lookup.body.nationalNumber, CHRIS_PROFILE.nationalNumber, `${query || 'no eid'}: and gives her national number`)
    t.same(lookup.body.nationalId, CHRIS_PROFILE.nationalId, `${query || 'no eid'}: typed`)
  }
  const lotte = await profileAfterLogin(stack, '?eid=itsme', 'lotte')
  t.equal(lotte.eid, 'itsme')
  t.equal(lotte.nationalNumber, '12031523406')
  t.same(lotte.nationalId, { country: 'BE', type: 'rrn', value: '12031523406' })
})
