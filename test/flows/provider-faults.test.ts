import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { TestBrowser } from '../helpers/test-browser.js'
import { liveSessionCookies, startRogueStack, type Assert, type RogueStack } from '../helpers/rogue-stack.js'

// The provider misbehaving on the wire rather than in its tokens: every fault
// ends in a bounded JSON error with no session, and the next login works.

async function assertFailedWithoutSession (t: Assert, stack: RogueStack, browser: TestBrowser, callback: { status: number, json (): any, setCookies: string[] }, status: number, error: string): Promise<void> {
  t.equal(callback.status, status)
  t.same(Object.keys(callback.json()).sort(), ['error', 'message'])
  t.equal(callback.json().error, error)
  t.same(liveSessionCookies(callback as never), [], 'no session cookie is set')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401, 'no session')
}

async function assertNextLoginWorks (t: Assert, stack: RogueStack): Promise<void> {
  const { browser, callback } = await stack.attempt(t, {})
  t.equal(callback.status, 302, 'the next login goes through')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
}

t.test('a token endpoint slower than OIDC_HTTP_TIMEOUT: 504 within the bound, no session, the next login works', async (t) => {
  const stack = await startRogueStack(t, undefined, { OIDC_HTTP_TIMEOUT: '1' })
  const started = Date.now()
  const { browser, callback } = await stack.attempt(t, { tokenDelayMs: 4000 })
  const took = Date.now() - started
  await assertFailedWithoutSession(t, stack, browser, callback, 504, 'provider_timeout')
  t.ok(took < 3000, `answered in ${took} ms`)
  await assertNextLoginWorks(t, stack)
})

t.test('a token endpoint that drops the connection: 502, no session, the next login works', async (t) => {
  const stack = await startRogueStack(t)
  const { browser, callback } = await stack.attempt(t, { tokenConnectionReset: true })
  await assertFailedWithoutSession(t, stack, browser, callback, 502, 'provider_unavailable')
  await assertNextLoginWorks(t, stack)
})

t.test('a JWKS endpoint that goes down: the cached keys still verify logins', async (t) => {
  const stack = await startRogueStack(t)
  await assertNextLoginWorks(t, stack)
  t.equal(stack.provider.jwksRequests, 1, 'the keys were fetched once')
  const { browser, callback } = await stack.attempt(t, { jwksDown: true })
  t.equal(callback.status, 302, 'signed in with the cached keys')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
  t.equal(stack.provider.jwksRequests, 1, 'no fetch was needed')
})

t.test('key rotation: a new kid is fetched once; unknown kids cannot force refetch storms', async (t) => {
  const stack = await startRogueStack(t, undefined, { OIDC_JWKS_COOLDOWN: '1' })
  await assertNextLoginWorks(t, stack)
  t.equal(stack.provider.jwksRequests, 1)
  await sleep(1100)
  await stack.provider.rotateSigningKey()
  await assertNextLoginWorks(t, stack)
  t.equal(stack.provider.jwksRequests, 2, 'the rotated key was fetched once')
  await assertNextLoginWorks(t, stack)
  t.equal(stack.provider.jwksRequests, 2, 'and then served from the cache')

  // Forged tokens, each under a new kid: without a cooldown each would cost a fetch.
  const attempts = 8
  const started = Date.now()
  for (let i = 0; i < attempts; i++) {
    const { browser, callback } = await stack.attempt(t, { signing: 'fresh-unknown-kid' })
    await assertFailedWithoutSession(t, stack, browser, callback, 400, 'id_token_invalid')
  }
  // One cooldown period may end while they run, and allow one more fetch per period.
  const periods = Math.ceil((Date.now() - started) / 1000)
  const fetches = stack.provider.jwksRequests - 2
  t.ok(fetches <= periods && fetches < attempts, `${attempts} unknown kids caused ${fetches} fetch(es) in ${periods} cooldown period(s)`)
})
