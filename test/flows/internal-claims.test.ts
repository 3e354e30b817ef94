import t from 'tap'
import { createHash } from 'node:crypto'
import { decodeJwt } from 'jose'
import { DEV_SERVICE_CLIENT } from '../../src/dev-idp/index.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { logoutAtDevIdp, signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { startRogueStack } from '../helpers/rogue-stack.js'
import { serviceToken } from '../helpers/service-token.js'
import { TestBrowser, type TestResponse } from '../helpers/test-browser.js'

const AUDIENCE = 'urn:eid-bff:internal'
const SCOPES = ['claims:profile', 'claims:birthdate', 'claims:age', 'claims:address', 'claims:national_number']

/** What each scope must open, written out here rather than taken from the code under test. */
const FIELDS_BY_SCOPE: Record<string, Record<string, unknown>> = {
  'claims:profile': { name: CHRIS_PROFILE.name, givenName: CHRIS_PROFILE.givenName, familyName: CHRIS_PROFILE.familyName },
  'claims:birthdate': { birthdate: CHRIS_PROFILE.birthdate },
  // Born in 1965: over 18 and over 21 on any day of this test.
  'claims:age': { ageOver18: true, ageOver21: true },
  'claims:address': { address: CHRIS_PROFILE.address },
  'claims:national_number': { nationalNumber: CHRIS_PROFILE.nationalNumber, nationalId: CHRIS_PROFILE.nationalId }
}

async function serviceStack (t: { teardown (fn: () => unknown): void }, env: Record<string, string> = {}): Promise<Stack> {
  return await startStack(t, {
    env: { INTERNAL_AUDIENCE: AUDIENCE, ...env },
    idp: { serviceClient: { ...DEV_SERVICE_CLIENT, audience: AUDIENCE } }
  })
}

async function lookUp (gatewayUrl: string, sub: string, token: string | undefined): Promise<TestResponse> {
  return await new TestBrowser().get(`${gatewayUrl}/internal/users/${encodeURIComponent(sub)}/claims`, token === undefined ? {} : { authorization: `Bearer ${token}` })
}

t.test('a service token for each combination of scopes gets exactly the fields those scopes open', async (t) => {
  const stack = await serviceStack(t)
  await signInThroughGateway(new TestBrowser(), stack.gatewayUrl)

  const sample = decodeJwt(await serviceToken(stack.idp.issuer, 'claims:profile'))
  t.equal(sample.aud, AUDIENCE, 'the provider mints JWTs for the internal audience')
  t.equal(sample.client_id, DEV_SERVICE_CLIENT.clientId)

  for (let mask = 1; mask < 2 ** SCOPES.length; mask++) {
    const scopes = SCOPES.filter((_scope, index) => (mask & (1 << index)) !== 0)
    const res = await lookUp(stack.gatewayUrl, CHRIS_PROFILE.sub, await serviceToken(stack.idp.issuer, [...scopes, 'claims:sub'].join(' ')))
    const expected = Object.assign({ sub: CHRIS_PROFILE.sub, eid: CHRIS_PROFILE.eid }, ...scopes.map((scope) => FIELDS_BY_SCOPE[scope]))
    t.equal(res.status, 200, scopes.join(' '))
    t.same(res.json(), expected, `exactly the fields of ${scopes.join(' ')}`)
    t.equal(res.headers.get('cache-control'), 'no-store')
  }
})

t.test('no claims scope: 403; no token: 401; an unknown subject: 404; a lookup is audited without values', async (t) => {
  const stack = await serviceStack(t)
  await signInThroughGateway(new TestBrowser(), stack.gatewayUrl)

  const noScope = await lookUp(stack.gatewayUrl, CHRIS_PROFILE.sub, await serviceToken(stack.idp.issuer, ''))
  t.equal(noScope.status, 403)
  t.equal(noScope.json().error, 'insufficient_scope')
  t.match(noScope.headers.get('www-authenticate'), /^Bearer error="insufficient_scope", scope="claims:profile /)

  const anonymous = await lookUp(stack.gatewayUrl, CHRIS_PROFILE.sub, undefined)
  t.equal(anonymous.status, 401)
  t.equal(anonymous.json().error, 'unauthenticated')
  t.equal(anonymous.headers.get('www-authenticate'), 'Bearer')
  const notBearer = await new TestBrowser().get(`${stack.gatewayUrl}/internal/users/x/claims`, { authorization: 'Basic ZGV2OnNlY3JldA==' })
  t.equal(notBearer.status, 401)

  const token = await serviceToken(stack.idp.issuer, 'claims:profile claims:national_number claims:sub')
  const unknown = await lookUp(stack.gatewayUrl, 'oidc|itsme|{00000000-0000-0000-0000-000000000000}', token)
  t.equal(unknown.status, 404)
  t.equal(unknown.json().error, 'not_found')

  const found = await lookUp(stack.gatewayUrl, CHRIS_PROFILE.sub, token)
  t.equal(found.status, 200)
  const audit = stack.logs.entries().filter((entry) => entry.audit === 'claims_lookup')
  t.same(audit.map((entry) => entry.outcome), ['insufficient_scope', 'not_found', 'found'], 'one audit line per lookup by a verified service')
  t.same(audit[0]?.scopesGranted, [])
  t.match(audit.at(-1), {
    caller: DEV_SERVICE_CLIENT.clientId,
    subHash: createHash('sha256').update(CHRIS_PROFILE.sub).digest('hex').slice(0, 32),
    scopesGranted: ['claims:profile', 'claims:national_number']
  })
  const text = stack.logs.text
  for (const value of [CHRIS_PROFILE.nationalNumber, 'Louizalaan', 'f729d0aa', token]) {
    t.notOk(text.includes(value), `no ${value.slice(0, 12)} in the logs`)
  }
})

t.test('signing out forgets the claims: back-channel logout and /logout', async (t) => {
  const stack = await serviceStack(t)
  const token = await serviceToken(stack.idp.issuer, 'claims:profile claims:sub')

  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  t.equal((await lookUp(stack.gatewayUrl, CHRIS_PROFILE.sub, token)).status, 200, 'known after the login')
  await logoutAtDevIdp(browser, new URL('/session/end', stack.idp.issuer).href)
  let status = 200
  for (let i = 0; i < 50 && status === 200; i++) {
    status = (await lookUp(stack.gatewayUrl, CHRIS_PROFILE.sub, token)).status
    if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(status, 404, 'gone after the provider\'s back-channel logout')

  const again = new TestBrowser()
  await signInThroughGateway(again, stack.gatewayUrl)
  t.equal((await lookUp(stack.gatewayUrl, CHRIS_PROFILE.sub, token)).status, 200, 'back with the next login')
  const me = (await again.get(`${stack.gatewayUrl}/me`)).json()
  t.equal((await again.get(`${stack.gatewayUrl}${me.session.logoutUrl as string}`)).status, 302)
  t.equal((await lookUp(stack.gatewayUrl, CHRIS_PROFILE.sub, token)).status, 404, 'gone after /logout')
})

t.test('without INTERNAL_AUDIENCE against a real provider the API does not exist and nothing is kept', async (t) => {
  const stack = await startStack(t)
  t.equal(stack.config.internalApi.audience, undefined)
  await signInThroughGateway(new TestBrowser(), stack.gatewayUrl)
  t.equal((await lookUp(stack.gatewayUrl, CHRIS_PROFILE.sub, 'x.y.z')).status, 404)
  t.equal(await stack.app.claimsDirectory.find(CHRIS_PROFILE.sub), undefined, 'the claims directory answers nothing while the API is off')
})

t.test('forged, expired, misdirected and user tokens are refused with 401 invalid_token', async (t) => {
  const stack = await startRogueStack(t, undefined, { INTERNAL_AUDIENCE: AUDIENCE })
  const { provider, gatewayUrl } = stack
  const signedIn = await stack.attempt(t, {})
  t.equal(signedIn.callback.status, 302, 'a user signed in through the provider')

  const now = Math.floor(Date.now() / 1000)
  const service = { iss: provider.issuer, aud: AUDIENCE, client_id: 'orders-service', sub: 'orders-service', scope: 'claims:profile claims:sub', iat: now, exp: now + 300 }
  const good = await lookUp(gatewayUrl, provider.subject, await provider.signToken(service))
  t.equal(good.status, 200, 'the honest service token is accepted')
  t.same(good.json(), { sub: provider.subject, name: 'Rogue Tester' })
  const auth0Style = { ...service, client_id: undefined, azp: 'orders-service', sub: 'orders-service@clients', gty: 'client-credentials', scope: undefined, scp: ['claims:age', 'claims:sub'] }
  t.equal((await lookUp(gatewayUrl, provider.subject, await provider.signToken(auth0Style))).status, 200, 'Auth0\'s shape (azp, <id>@clients, scp) too')

  const refused: Array<[string, Promise<string>]> = [
    ['another audience', provider.signToken({ ...service, aud: 'https://api.example.com' })],
    ['the gateway\'s own audience (an ID token)', provider.signToken({ ...service, aud: 'bff-test' })],
    ['expired', provider.signToken({ ...service, iat: now - 900, exp: now - 60 })],
    ['not valid yet', provider.signToken({ ...service, nbf: now + 600 })],
    ['no expiry', provider.signToken({ ...service, exp: undefined })],
    ['another issuer', provider.signToken({ ...service, iss: 'https://evil.example' })],
    ['signed with another key under the provider\'s kid', provider.signToken(service, 'wrong-key')],
    ['a flipped signature bit', provider.signToken(service, 'tampered-signature')],
    ['alg none', provider.signToken(service, 'none')],
    ['HS256 keyed with the public key', provider.signToken(service, 'hs256-public-pem')],
    ['a user\'s access token', provider.signToken({ ...service, sub: provider.subject, client_id: 'bff-test' })],
    ['no client named', provider.signToken({ ...service, client_id: undefined, sub: undefined })],
    ['not a JWT', Promise.resolve('not-a-jwt')]
  ]
  for (const [name, token] of refused) {
    const res = await lookUp(gatewayUrl, provider.subject, await token)
    t.equal(res.status, 401, name)
    t.same(res.json(), { error: 'invalid_token', message: res.json().message }, `${name}: invalid_token`)
    t.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"', `${name}: the challenge`)
  }
})

t.test('a back-channel logout token naming only the sid also forgets the claims', async (t) => {
  const stack = await startRogueStack(t, undefined, { INTERNAL_AUDIENCE: AUDIENCE })
  const { provider, gatewayUrl } = stack
  const { browser } = await stack.attempt(t, {})
  const sid = (await browser.get(`${gatewayUrl}/me`)).json().session.sid as string
  const now = Math.floor(Date.now() / 1000)
  const service = await provider.signToken({ iss: provider.issuer, aud: AUDIENCE, client_id: 'orders-service', scope: 'claims:profile claims:sub', iat: now, exp: now + 300 })
  t.equal((await lookUp(gatewayUrl, provider.subject, service)).status, 200, 'known after the login')

  const logoutToken = await provider.signToken({
    iss: provider.issuer, aud: 'bff-test', iat: now, exp: now + 120, jti: `jti-${now}-sid-only`, sid,
    events: { 'http://schemas.openid.net/event/backchannel-logout': {} }
  })
  t.equal((await new TestBrowser().post(`${gatewayUrl}/backchannel-logout`, { logout_token: logoutToken })).status, 200)
  t.equal((await browser.get(`${gatewayUrl}/me`)).status, 401, 'the session is ended')
  t.equal((await lookUp(gatewayUrl, provider.subject, service)).status, 404, 'and the claims are forgotten')
})
