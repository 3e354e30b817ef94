import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { TestBrowser } from '../helpers/test-browser.js'
import { freePort } from '../helpers/free-port.js'
import { logoutAtDevIdp, signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack, startGateway, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_SECRET, type Stack } from '../helpers/gateway.js'
import { redisForTest, REDIS_URL } from '../helpers/redis.js'
import { startRedisServer } from '../helpers/redis-servers.js'

async function logIn (stack: Stack, browser: TestBrowser): Promise<{ sid: string, logoutUrl: string }> {
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  t.equal((await browser.get(callback.href)).status, 302)
  return (await browser.get(`${stack.gatewayUrl}/me`)).json().session
}

/** A second instance behind the same (imaginary) load balancer: same settings, its own port. */
async function secondInstance (t: { teardown (fn: () => unknown): void }, stack: Stack, env: Record<string, string> = {}): Promise<{ url: string, app: FastifyInstance }> {
  const port = await freePort()
  const { app } = await startGateway(t, {
    PORT: String(port),
    BASE_URL: stack.gatewayUrl,
    OIDC_ISSUER: stack.idp.issuer,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    SESSION_STORE: 'redis',
    REDIS_URL,
    REDIS_KEY_PREFIX: stack.config.session.redis?.keyPrefix,
    ...env
  })
  return { url: `http://127.0.0.1:${port}`, app }
}

t.test('two instances share sessions through Redis', async (t) => {
  const { prefix } = await redisForTest(t)
  const stack = await startStack(t, { env: { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix } })
  const { url: b } = await secondInstance(t, stack)
  const browser = new TestBrowser()
  const session = await logIn(stack, browser)

  const me = await browser.get(`${b}/me`)
  t.equal(me.status, 200, 'logged in through A, /me through B')
  t.equal(me.json().nationalNumber, '65070862267')

  const out = await browser.get(`${b}${session.logoutUrl}`)
  t.equal(out.status, 302, 'logout through B')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401, 'ended on A too')
})

t.test('a back-channel logout received by A ends the session used on B', async (t) => {
  const { prefix } = await redisForTest(t)
  const stack = await startStack(t, { env: { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix } })
  const { url: b } = await secondInstance(t, stack)
  const browser = new TestBrowser()
  await logIn(stack, browser)
  t.equal((await browser.get(`${b}/me`)).status, 200)
  await logoutAtDevIdp(browser, new URL('/session/end', stack.idp.issuer).href)
  let status = 200
  for (let i = 0; i < 50 && status === 200; i++) {
    status = (await browser.get(`${b}/me`)).status
    if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(status, 401)
})

t.test('Redis holds no token, national number or name in clear, and a rotated secret keeps the session', async (t) => {
  const { prefix, dump } = await redisForTest(t)
  const stack = await startStack(t, { env: { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix, INTERNAL_AUDIENCE: 'urn:eid-bff:internal' } })
  const browser = new TestBrowser()
  await logIn(stack, browser)
  const raw = await dump()
  t.ok(raw.length > 100, 'something was written')
  t.match(raw, new RegExp(`^${prefix}s:`, 'm'), 'the session')
  t.notMatch(raw, new RegExp(`^${prefix}c:`, 'm'), 'and no copy of its claims: the claims directory reads the session')
  for (const value of ['65070862267', 'Ricardo', 'Louizalaan', 'eyJ', 'oidc|itsme', 'f729d0aa', 'access', 'Token']) {
    t.notOk(raw.includes(value), `no ${value} in the dump`)
  }
  // Key names are not secret in a Redis dump (KEYS, MONITOR, slow logs): they name no session or client.
  const sessionId = decodeURIComponent(browser.cookies(stack.gatewayUrl).bff ?? '').split('.')[0] ?? ''
  t.ok(sessionId.length > 20, 'the browser holds a session id')
  t.notOk(raw.includes(sessionId), 'no session id in the dump, not even as a key name')
  t.match(raw, new RegExp(`^${prefix}ratelimit:`, 'm'), 'the rate limiter counted the login')
  t.notOk(raw.includes('127.0.0.1'), 'no client address in the rate-limit keys')

  const rotated = `${'n'.repeat(40)},${TEST_SECRET}`
  const { url: b } = await secondInstance(t, stack, { SESSION_SECRET: rotated })
  const before = browser.cookies(b).bff
  const renewed = await browser.get(`${b}/me`)
  t.equal(renewed.status, 200, 'the old secret still verifies and decrypts')
  t.equal(renewed.setCookies.length, 1, 'the cookie is sent again, signed with the new secret')
  const after = browser.cookies(b).bff
  t.not(after, before)
  t.equal(decodeURIComponent(after ?? '').split('.')[0], decodeURIComponent(before ?? '').split('.')[0], 'for the same session')
  const again = await browser.get(`${b}/me`)
  t.equal(again.status, 200, 'and it keeps working')
  t.same(again.setCookies, [], 'once re-signed, no cookie on every answer')
  const { url: other } = await secondInstance(t, stack, { SESSION_SECRET: 'o'.repeat(40) })
  t.equal((await browser.get(`${other}/me`)).status, 401, 'without the old secret the session is unreadable')
})

t.test('sessions survive a restart of both instances', async (t) => {
  const { prefix } = await redisForTest(t)
  const stack = await startStack(t, { env: { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix } })
  const b = await secondInstance(t, stack)
  const browser = new TestBrowser()
  await logIn(stack, browser)
  await Promise.all([stack.app.close(), b.app.close()])
  t.equal(await fetch(`${b.url}/healthz`).then(() => 'up', () => 'down'), 'down', 'both instances are stopped')

  for (const restarted of [await secondInstance(t, stack), await secondInstance(t, stack)]) {
    const me = await browser.get(`${restarted.url}/me`)
    t.equal(me.status, 200, 'the session is served by a restarted instance')
    t.equal(me.json().sub, 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}')
  }
})

t.test('a paused Redis gives 503 within the bound and /readyz 503; it recovers by itself', async (t) => {
  const { prefix, redis } = await redisForTest(t)
  const stack = await startStack(t, { env: { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix } })
  const browser = new TestBrowser()
  await logIn(stack, browser)
  await redis.call('CLIENT', 'PAUSE', '6000', 'ALL')
  t.teardown(() => redis.call('CLIENT', 'UNPAUSE').catch(() => {}))
  const started = Date.now()
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  const took = Date.now() - started
  t.equal(me.status, 503)
  t.same(me.json(), { error: 'session_store_unavailable', message: 'The session store is unavailable; try again shortly' })
  t.ok(took < 2000, `answered in ${took} ms`)
  const ready = await browser.get(`${stack.gatewayUrl}/readyz`)
  t.equal(ready.status, 503, ready.text)
  t.equal((await browser.get(`${stack.gatewayUrl}/healthz`)).status, 200, 'still alive')
  const login = await new TestBrowser().get(`${stack.gatewayUrl}/login`)
  t.equal(login.status, 503, 'a login cannot start without the store')
  t.same(login.json(), { error: 'session_store_unavailable', message: 'The session store is unavailable; try again shortly' })
  t.same(login.setCookies, [], 'no cookie for a session that was never saved')
  await redis.call('CLIENT', 'UNPAUSE')
  let status = 0
  for (let i = 0; i < 50 && status !== 200; i++) {
    status = (await browser.get(`${stack.gatewayUrl}/me`)).status
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(status, 200, 'the same session is back, no restart')
  t.equal((await browser.get(`${stack.gatewayUrl}/readyz`)).status, 200)
})

t.test('a stopped Redis gives 503s during traffic; once it is back the sessions it kept work again, without a restart', async (t) => {
  // Append-only with fsync on every write: what Redis keeps across its own restart.
  const redis = await startRedisServer(t, ['--appendonly', 'yes', '--appendfsync', 'always'])
  const stack = await startStack(t, { env: { SESSION_STORE: 'redis', REDIS_URL: redis.url } })
  const browser = new TestBrowser()
  await logIn(stack, browser)

  const statuses: number[] = []
  let traffic = true
  const load = (async () => {
    while (traffic) {
      statuses.push((await browser.get(`${stack.gatewayUrl}/me`)).status)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  })()
  await new Promise((resolve) => setTimeout(resolve, 100))
  await redis.stop()
  const started = Date.now()
  const during = await browser.get(`${stack.gatewayUrl}/me`)
  t.equal(during.status, 503, 'a session is needed and the store is gone')
  t.equal(during.json().error, 'session_store_unavailable')
  t.ok(Date.now() - started < 2000, 'answered within the bound')
  t.equal((await browser.get(`${stack.gatewayUrl}/readyz`)).status, 503)
  // Let the traffic meet the outage too before Redis comes back.
  for (let i = 0; i < 50 && !statuses.includes(503); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  await redis.start()
  let status = 0
  for (let i = 0; i < 100 && status !== 200; i++) {
    status = (await browser.get(`${stack.gatewayUrl}/me`)).status
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  traffic = false
  await load
  t.equal(status, 200, 'the same session, no gateway restart')
  t.equal((await browser.get(`${stack.gatewayUrl}/readyz`)).status, 200)
  t.same(new Set(statuses), new Set([200, 503]), 'the traffic saw only 200 and 503, never a 401 or a 500')
})
