import t, { type Test } from 'tap'
import type { Env } from '../../src/config/index.js'
import { logoutAtDevIdp, signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { redisForTest, REDIS_URL } from '../helpers/redis.js'
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js'
import { TestBrowser, type TestResponse } from '../helpers/test-browser.js'

/*
 * A request that renewed the session's tokens is still in flight (its
 * upstream holds the answer) when the session ends: by /logout, or by the
 * provider's back-channel logout. When it finally answers, nothing it writes
 * may bring the ended session back.
 */

const CSRF = { 'x-csrf': '1' }

type Ending = (stack: Stack, browser: TestBrowser, logoutUrl: string) => Promise<void>

const byLogout: Ending = async (stack, browser, logoutUrl) => {
  const out = await browser.get(`${stack.gatewayUrl}${logoutUrl}`)
  if (out.status !== 302) throw new Error(`logout answered ${out.status}`)
}

const byBackChannel: Ending = async (stack, browser) => {
  // The user signs out at the provider itself; it tells the gateway on the back channel.
  const before = stack.logs.text.length
  await logoutAtDevIdp(browser, new URL('/session/end', stack.idp.issuer).href)
  for (let i = 0; i < 100 && !stack.logs.text.slice(before).includes('"msg":"back-channel logout"'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function raceStack (t: Test, store: 'memory' | 'redis'): Promise<{ stack: Stack, upstream: RecordingUpstream }> {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  const env: Env = {
    // `plain` sends no token, so it asks nothing of the provider: it answers
    // from the session alone, whether or not its tokens still work.
    UPSTREAMS: JSON.stringify({ echo: { url: upstream.url, timeout: 10 }, plain: { url: upstream.url, token: 'none' } }),
    // Every call renews the tokens first, so the call in flight holds a changed session.
    TOKEN_REFRESH_MARGIN: '86400',
    // Every call makes a grant: room for a slow provider on a busy machine.
    OIDC_HTTP_TIMEOUT: '10'
  }
  if (store === 'redis') {
    const { prefix } = await redisForTest(t)
    Object.assign(env, { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix })
  }
  const stack = await startStack(t, { env })
  return { stack, upstream }
}

async function raceAnEnding (t: Test, store: 'memory' | 'redis', end: Ending): Promise<void> {
  const { stack, upstream } = await raceStack(t, store)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  t.equal(me.status, 200, `signed in (${me.text.slice(0, 120)})`)
  // The cookie as it was during the session: a stolen copy, or a tab that kept it.
  const cookie = `bff=${browser.cookies(stack.gatewayUrl).bff ?? ''}`

  const inFlight: Promise<TestResponse> = browser.get(`${stack.gatewayUrl}/api/echo/hold`, CSRF)
  await upstream.holding()
  await end(stack, browser, me.json().session.logoutUrl as string)
  const ended = await fetch(`${stack.gatewayUrl}/me`, { headers: { cookie } })
  t.equal(ended.status, 401, 'the session ended while the call was in flight')

  upstream.releaseHeld()
  const late = await inFlight
  t.equal(late.status, 200, 'the call in flight still gets its answer')
  t.equal(browser.cookies(stack.gatewayUrl).bff, undefined, 'and leaves the browser no session cookie')

  const again = await fetch(`${stack.gatewayUrl}/api/plain/items`, { headers: { cookie, ...CSRF } })
  t.equal(again.status, 401, 'the ended session stays ended: it cannot call an API')
  t.equal(upstream.received.filter((request) => request.url === '/items').length, 0, 'nothing reached the upstream with it')
  const after = await fetch(`${stack.gatewayUrl}/me`, { headers: { cookie } })
  t.equal(after.status, 401, 'nor read the profile')
}

for (const store of ['memory', 'redis'] as const) {
  t.test(`${store} store: a call in flight across /logout does not bring the session back`, async (t) => {
    await raceAnEnding(t, store, byLogout)
  })

  t.test(`${store} store: a call in flight across a back-channel logout does not bring the session back`, async (t) => {
    await raceAnEnding(t, store, byBackChannel)
  })
}
