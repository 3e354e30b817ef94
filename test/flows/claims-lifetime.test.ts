import t, { type Test } from 'tap'
import type { Env } from '../../src/config/index.js'
import { DEV_SERVICE_CLIENT } from '../../src/dev-idp/index.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { redisForTest, REDIS_URL } from '../helpers/redis.js'
import { serviceToken } from '../helpers/service-token.js'
import { TestBrowser } from '../helpers/test-browser.js'

/*
 * A service reads a person's claims only while that person is signed in:
 * a session that ended by idle timeout or logout answers nothing more, and
 * one session ending leaves the claims that another live session backs.
 */

const AUDIENCE = 'urn:eid-bff:internal'

async function claimsStack (t: Test, store: 'memory' | 'redis', env: Env = {}): Promise<{ stack: Stack, lookUp (): Promise<number> }> {
  const storeEnv: Env = store === 'redis' ? { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: (await redisForTest(t)).prefix } : {}
  const stack = await startStack(t, {
    env: { INTERNAL_AUDIENCE: AUDIENCE, ...storeEnv, ...env },
    idp: { serviceClient: { ...DEV_SERVICE_CLIENT, audience: AUDIENCE } }
  })
  const token = await serviceToken(stack.idp.issuer, 'claims:profile claims:national_number claims:sub')
  async function lookUp (): Promise<number> {
    const res = await fetch(`${stack.gatewayUrl}/internal/users/${encodeURIComponent(CHRIS_PROFILE.sub)}/claims`, { headers: { authorization: `Bearer ${token}` } })
    return res.status
  }
  return { stack, lookUp }
}

async function logOut (stack: Stack, browser: TestBrowser): Promise<void> {
  const { logoutUrl } = (await browser.get(`${stack.gatewayUrl}/me`)).json().session
  const out = await browser.get(`${stack.gatewayUrl}${logoutUrl as string}`)
  if (out.status !== 302) throw new Error(`logout answered ${out.status}`)
}

for (const store of ['memory', 'redis'] as const) {
  t.test(`${store} store: a session ended by its idle timeout answers no more claims lookups`, async (t) => {
    const { stack, lookUp } = await claimsStack(t, store, { SESSION_IDLE_TIMEOUT: '1' })
    const browser = new TestBrowser()
    await signInThroughGateway(browser, stack.gatewayUrl)
    t.equal(await lookUp(), 200, 'found while the session lives')
    t.equal(await lookUp(), 200, 'a lookup does not keep the session alive, but it is still within its idle time')
    await new Promise((resolve) => setTimeout(resolve, 1600))
    t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401, 'the session ended by idle timeout')
    t.equal(await lookUp(), 404, 'and its claims with it')
  })

  t.test(`${store} store: claims lookups do not keep an idle session alive`, async (t) => {
    const { stack, lookUp } = await claimsStack(t, store, { SESSION_IDLE_TIMEOUT: '2' })
    const browser = new TestBrowser()
    await signInThroughGateway(browser, stack.gatewayUrl)
    for (let i = 0; i < 5; i++) {
      t.equal(await lookUp(), 200, `lookup ${i + 1} within the idle time`)
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
    t.equal(await lookUp(), 404, 'services looking the person up did not stretch the session')
    t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)
  })

  t.test(`${store} store: logging out one session keeps the claims another live session of the same person backs`, async (t) => {
    const { stack, lookUp } = await claimsStack(t, store)
    const laptop = new TestBrowser()
    const phone = new TestBrowser()
    await signInThroughGateway(laptop, stack.gatewayUrl)
    await signInThroughGateway(phone, stack.gatewayUrl)
    t.equal(await lookUp(), 200)
    await logOut(stack, laptop)
    t.equal((await laptop.get(`${stack.gatewayUrl}/me`)).status, 401, 'the laptop is signed out')
    t.equal((await phone.get(`${stack.gatewayUrl}/me`)).status, 200, 'the phone is not')
    t.equal(await lookUp(), 200, 'so the person is still known to services')
    await logOut(stack, phone)
    t.equal(await lookUp(), 404, 'until the last session ends')
  })
}
