import t, { type Test } from 'tap'
import { DEV_SERVICE_CLIENT } from '../../src/dev-idp/index.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { serviceToken } from '../helpers/service-token.js'
import { TestBrowser } from '../helpers/test-browser.js'

const AUDIENCE = 'urn:eid-bff:internal'
/** The HR app behind the proxy is the service that looks people up: its rule's audience is that service's client id. */
const RULES = {
  '/hr/': { headers: ['user'], audience: DEV_SERVICE_CLIENT.clientId },
  '/shop/': { headers: ['user'], audience: 'shop-service' }
}

async function pairwiseStack (t: Test): Promise<{ stack: Stack, idAt (prefix: string): Promise<string> }> {
  const stack = await startStack(t, {
    env: { INTERNAL_AUDIENCE: AUDIENCE, FORWARD_AUTH: JSON.stringify(RULES) },
    idp: { serviceClient: { ...DEV_SERVICE_CLIENT, audience: AUDIENCE } }
  })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  async function idAt (prefix: string): Promise<string> {
    const res = await browser.request('GET', `${stack.gatewayUrl}/auth`, { headers: { 'x-forwarded-uri': `${prefix}page` } })
    return res.headers.get('x-auth-request-user') ?? ''
  }
  return { stack, idAt }
}

async function lookUp (stack: Stack, id: string, scope: string): Promise<{ status: number, body: Record<string, unknown> }> {
  const token = await serviceToken(stack.idp.issuer, scope)
  const res = await fetch(`${stack.gatewayUrl}/internal/users/${encodeURIComponent(id)}/claims`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

t.test('a service looks a person up by the pairwise id it was given, and learns nothing that links them', async (t) => {
  const { stack, idAt } = await pairwiseStack(t)
  const id = await idAt('/hr/')
  t.ok(id.length > 40, 'forward auth handed the HR app a pairwise id')
  t.notOk(id.includes('f729d0aa'), 'which shows nothing of the sub')

  const found = await lookUp(stack, id, 'claims:profile')
  t.equal(found.status, 200, 'that id finds the person')
  t.same(found.body, { sub: id, eid: 'itsme', name: CHRIS_PROFILE.name, givenName: CHRIS_PROFILE.givenName, familyName: CHRIS_PROFILE.familyName }, 'named by the same id, never by the sub')
  t.notOk(JSON.stringify(found.body).includes(CHRIS_PROFILE.sub), 'the provider\'s sub does not leak')

  t.equal((await lookUp(stack, CHRIS_PROFILE.sub, 'claims:profile')).status, 404, 'the raw sub names nobody without claims:sub')
  const shopId = await idAt('/shop/')
  t.not(shopId, id, 'another service gets another id')
  t.equal((await lookUp(stack, shopId, 'claims:profile')).status, 404, 'and its id names nobody to this service')

  const raw = await lookUp(stack, CHRIS_PROFILE.sub, 'claims:profile claims:sub')
  t.equal(raw.status, 200, 'with claims:sub, the raw sub')
  t.equal(raw.body.sub, CHRIS_PROFILE.sub, 'and answers with it')
})

t.test('the session API names people the same way', async (t) => {
  const { stack, idAt } = await pairwiseStack(t)
  const id = await idAt('/hr/')
  const token = await serviceToken(stack.idp.issuer, 'sessions:admin')
  const url = (who: string): string => `${stack.gatewayUrl}/internal/users/${encodeURIComponent(who)}/sessions`
  const listed = await fetch(url(id), { headers: { authorization: `Bearer ${token}` } })
  t.equal(listed.status, 200)
  t.equal((await listed.json() as { sessions: unknown[] }).sessions.length, 1, 'the person\'s session, by pairwise id')
  t.equal((await fetch(url(CHRIS_PROFILE.sub), { headers: { authorization: `Bearer ${token}` } })).status, 404, 'not by the raw sub')
  const ended = await fetch(url(id), { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })
  t.same(await ended.json(), { ended: 1 })
  t.equal((await lookUp(stack, id, 'claims:profile')).status, 404, 'and then nobody is signed in')
})
