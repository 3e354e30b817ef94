import t, { type Test } from 'tap'
import type { DevIdpOptions } from '../../src/dev-idp/index.js'
import { DEV_SERVICE_CLIENT } from '../../src/dev-idp/index.js'
import { signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { serviceToken } from '../helpers/service-token.js'
import { TestBrowser, type TestResponse } from '../helpers/test-browser.js'

const AUDIENCE = 'urn:eid-bff:internal'

/*
 * One option per documented acr value. itsme goes through the Auth0 stand-in's
 * `itsme` connection, which passes acr_values on; the other eIDs straight from
 * the provider as Idura (their people have Idura's subjects and claim names).
 */
const EID_CONNECTIONS = {
  itsme: { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:basic' },
  'itsme-advanced': { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:advanced' },
  nobankid: { acr_values: 'urn:grn:authn:no:bankid' },
  'nobankid-substantial': { acr_values: 'urn:grn:authn:no:bankid:substantial' },
  'nobankid-high': { acr_values: 'urn:grn:authn:no:bankid:high', login_hint: 'BID' },
  sebankid: { acr_values: 'urn:grn:authn:se:bankid' },
  'sebankid-same-device': { acr_values: 'urn:grn:authn:se:bankid:same-device' },
  'sebankid-another-device': { acr_values: 'urn:grn:authn:se:bankid:another-device' },
  'sebankid-qr': { acr_values: 'urn:grn:authn:se:bankid:another-device:qr' },
  'mitid-low': { acr_values: 'urn:grn:authn:dk:mitid:low' },
  'mitid-substantial': { acr_values: 'urn:grn:authn:dk:mitid:substantial' },
  'mitid-high': { acr_values: 'urn:grn:authn:dk:mitid:high' },
  'ftn-bank': { acr_values: 'urn:grn:authn:fi:bank-id' },
  'ftn-mobile': { acr_values: 'urn:grn:authn:fi:mobile-id' },
  ftn: { acr_values: 'urn:grn:authn:fi:all' }
}

async function levelStack (t: { teardown (fn: () => unknown): void }, idp: Partial<DevIdpOptions> = {}): Promise<Stack> {
  return await startStack(t, {
    env: { EID_CONNECTIONS: JSON.stringify(EID_CONNECTIONS), INTERNAL_AUDIENCE: AUDIENCE },
    idp: { serviceClient: { ...DEV_SERVICE_CLIENT, audience: AUDIENCE }, ...idp }
  })
}

interface Login { readonly browser: TestBrowser, readonly authorization: URL, readonly callback: TestResponse }

/** /login?eid=…, the chooser as `identity` (the authorization URL changed by `tamper` first), and the callback. */
async function logIn (stack: Stack, eid: string, identity: string, tamper: (url: URL) => void = () => {}): Promise<Login> {
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login?eid=${eid}&returnTo=/done`)
  const authorization = new URL(login.location as string)
  tamper(authorization)
  const back = await signInAtDevIdp(browser, authorization.href, identity)
  return { browser, authorization, callback: await browser.get(back.href) }
}

t.test('each eID\'s level, from the acr the provider signs per person and per acr_values', async (t) => {
  const stack = await levelStack(t)
  const rows: Array<[name: string, eid: string, identity: string, acr: string, level: string, amr: string[] | undefined]> = [
    ['itsme basic through Auth0 is substantial', 'itsme', 'chris', 'urn:grn:authn:itsme:basic', 'substantial', undefined],
    ['itsme advanced through Auth0 is high', 'itsme-advanced', 'chris', 'urn:grn:authn:itsme:advanced', 'high', undefined],
    ['Norwegian BankID without a level is substantial', 'nobankid', 'mikkel', 'urn:grn:authn:no:bankid', 'substantial', ['face']],
    ['Norwegian BankID substantial', 'nobankid-substantial', 'mikkel', 'urn:grn:authn:no:bankid:substantial', 'substantial', ['face']],
    ['Norwegian BankID high', 'nobankid-high', 'mikkel', 'urn:grn:authn:no:bankid:high', 'high', ['hwk', 'otp', 'pwd']],
    ['Swedish BankID is substantial', 'sebankid', 'terne', 'urn:grn:authn:se:bankid', 'substantial', ['swk', 'pin']],
    ['Swedish BankID on the same device', 'sebankid-same-device', 'terne', 'urn:grn:authn:se:bankid:same-device', 'substantial', ['swk', 'pin']],
    ['Swedish BankID on another device', 'sebankid-another-device', 'terne', 'urn:grn:authn:se:bankid:another-device', 'substantial', ['swk', 'pin']],
    ['Swedish BankID by QR code', 'sebankid-qr', 'terne', 'urn:grn:authn:se:bankid:another-device:qr', 'substantial', ['swk', 'pin']],
    ['MitID low', 'mitid-low', 'ditlev', 'urn:grn:authn:dk:mitid:low', 'low', ['pwd']],
    ['MitID substantial', 'mitid-substantial', 'ditlev', 'urn:grn:authn:dk:mitid:substantial', 'substantial', ['swk']],
    ['MitID high', 'mitid-high', 'ditlev', 'urn:grn:authn:dk:mitid:high', 'high', ['hwk', 'pwd']],
    ['FTN banks', 'ftn-bank', 'vaino', 'urn:grn:authn:fi:bank-id', 'substantial', ['pwd', 'otp']],
    ['FTN mobile certificate', 'ftn-mobile', 'vaino', 'urn:grn:authn:fi:mobile-id', 'substantial', ['sms', 'pin']],
    ['FTN, either', 'ftn', 'vaino', 'urn:grn:authn:fi:all', 'substantial', ['pwd', 'otp']]
  ]
  const eids: Record<string, string> = { chris: 'itsme', mikkel: 'nobankid', terne: 'sebankid', ditlev: 'dkmitid', vaino: 'ftn' }
  for (const [name, eid, identity, acr, level, amr] of rows) {
    const { browser, authorization, callback } = await logIn(stack, eid, identity)
    t.equal(authorization.searchParams.get('acr_values'), acr, `${name}: the option's acr_values are sent`)
    t.equal(callback.status, 302, `${name}: signed in`)
    const me = (await browser.get(`${stack.gatewayUrl}/me`)).json()
    t.equal(me.eid, eids[identity], `${name}: the eID`)
    const { authTime, ...assurance } = me.assurance
    t.strictSame(assurance, { level, acr, ...(amr === undefined ? {} : { amr }) }, `${name}: level and acr${amr === undefined ? ' (Auth0\'s own amr is not the eID\'s)' : ', and the methods'}`)
    t.ok(Math.abs(Date.parse(authTime) - Date.now()) < 60_000, `${name}: authTime, ISO 8601`)
  }
  const high = await logIn(stack, 'nobankid-high', 'mikkel')
  t.equal(high.authorization.searchParams.get('login_hint'), 'BID', 'the option\'s login_hint goes along')
})

t.test('the service API hands the level over with claims:assurance only', async (t) => {
  const stack = await levelStack(t)
  const { callback } = await logIn(stack, 'mitid-high', 'ditlev')
  t.equal(callback.status, 302)
  const sub = encodeURIComponent('{0f9960a0-d28d-4353-a3e2-ea07f8ffa185}')
  const lookup = async (scope: string): Promise<Record<string, unknown>> => {
    const token = await serviceToken(stack.idp.issuer, `${scope} claims:sub`)
    return (await new TestBrowser().get(`${stack.gatewayUrl}/internal/users/${sub}/claims`, { authorization: `Bearer ${token}` })).json()
  }
  const withScope = await lookup('claims:assurance')
  t.match(withScope, { sub: '{0f9960a0-d28d-4353-a3e2-ea07f8ffa185}', eid: 'dkmitid', assurance: { level: 'high', acr: 'urn:grn:authn:dk:mitid:high', amr: ['hwk', 'pwd'] } })
  t.type((withScope.assurance as { authTime?: unknown }).authTime, 'string')
  t.notOk('name' in withScope, 'nothing else')
  const without = await lookup('claims:profile')
  t.equal(without.assurance, undefined, 'not without the scope')
  t.equal(without.eid, 'dkmitid', 'the eID as always')
})

/** A refused login: its error, and what the browser holds afterwards. */
async function assertRefused (t: Test, stack: Stack, login: Login, message: RegExp): Promise<void> {
  t.equal(login.callback.status, 403, 'refused')
  t.same(login.callback.json(), { error: 'insufficient_assurance', message: login.callback.json().message }, 'insufficient_assurance')
  t.match(login.callback.json().message, message)
  const cookie = stack.config.session.cookieName
  t.notOk(login.callback.setCookies.some((line) => line.startsWith(`${cookie}=`) && !/max-age=0|expires=thu, 01 jan 1970/i.test(line)), 'no session cookie set')
  t.equal((await login.browser.get(`${stack.gatewayUrl}/me`)).status, 401, 'no session')
}

t.test('a login that comes back below the level its eID asked for is refused, and nobody is signed in', async (t) => {
  const stack = await levelStack(t)
  await t.test('itsme advanced asked, the person has only basic', async (t) => {
    await assertRefused(t, stack, await logIn(stack, 'itsme-advanced', 'luc'), /reached the level substantial; the eID asked for high/)
  })
  await t.test('the browser changes acr_values in the authorization request', async (t) => {
    const login = await logIn(stack, 'itsme-advanced', 'chris', (url) => url.searchParams.set('acr_values', 'urn:grn:authn:itsme:basic'))
    await assertRefused(t, stack, login, /the eID asked for high/)
  })
  await t.test('the browser drops acr_values', async (t) => {
    await assertRefused(t, stack, await logIn(stack, 'mitid-high', 'ditlev', (url) => url.searchParams.delete('acr_values')), /reached the level low; the eID asked for high/)
  })
  await t.test('a password account where an eID was asked for', async (t) => {
    await assertRefused(t, stack, await logIn(stack, 'itsme-advanced', 'mallory'), /reached no assurance level/)
  })
  await t.test('another eID\'s person at a lower level', async (t) => {
    await assertRefused(t, stack, await logIn(stack, 'mitid-high', 'terne'), /reached the level substantial/)
  })
  await t.test('the same option, untouched, signs in', async (t) => {
    t.equal((await logIn(stack, 'itsme-advanced', 'chris')).callback.status, 302)
  })
})

t.test('a provider that answers a lower acr than asked is refused for every eID', async (t) => {
  const stack = await levelStack(t, { downgradeAcr: true })
  const rows: Array<[name: string, eid: string, identity: string, reached: string]> = [
    ['itsme advanced answered with basic', 'itsme-advanced', 'chris', 'substantial'],
    ['MitID substantial answered with low', 'mitid-substantial', 'ditlev', 'low'],
    ['MitID high answered with low', 'mitid-high', 'ditlev', 'low'],
    ['Norwegian BankID high answered with substantial', 'nobankid-high', 'mikkel', 'substantial']
  ]
  for (const [name, eid, identity, reached] of rows) {
    await t.test(name, async (t) => {
      await assertRefused(t, stack, await logIn(stack, eid, identity), new RegExp(`reached the level ${reached};`))
    })
  }
  await t.test('an option whose lowest acr is what came back still signs in', async (t) => {
    const { browser, callback } = await logIn(stack, 'mitid-low', 'ditlev')
    t.equal(callback.status, 302)
    t.match((await browser.get(`${stack.gatewayUrl}/me`)).json(), { assurance: { level: 'low' } })
  })
})

t.test('the provider\'s own session answers with the acr it was made at: a higher option is refused, the signed-in session stays', async (t) => {
  const stack = await levelStack(t)
  const { browser, callback } = await logIn(stack, 'itsme', 'chris')
  t.equal(callback.status, 302)
  const cookie = browser.cookies(stack.gatewayUrl)[stack.config.session.cookieName]
  // The provider still has Chris's session from the basic login: no chooser, straight back with basic.
  let location = (await browser.get(`${stack.gatewayUrl}/login?eid=itsme-advanced`)).location as string
  for (let hop = 0; hop < 10 && new URL(location).origin === stack.idp.issuer; hop++) location = (await browser.get(location)).location as string
  t.equal(new URL(location).pathname, '/callback', 'the provider answered without asking anyone')
  const refused = await browser.get(location)
  t.equal(refused.status, 403)
  t.equal(refused.json().error, 'insufficient_assurance')
  t.equal(browser.cookies(stack.gatewayUrl)[stack.config.session.cookieName], cookie, 'the same cookie')
  t.match((await browser.get(`${stack.gatewayUrl}/me`)).json(), { sub: 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}', assurance: { level: 'substantial' } }, 'still signed in, at the old level')
})
