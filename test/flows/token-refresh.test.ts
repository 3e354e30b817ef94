import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { SessionCipher } from '../../src/sessions/cipher.js'
import type { SessionData } from '../../src/sessions/types.js'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { freePort } from '../helpers/free-port.js'
import { startGateway, startStack, startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_SECRET, type Stack } from '../helpers/gateway.js'
import { redisForTest, REDIS_URL } from '../helpers/redis.js'
import { TestBrowser } from '../helpers/test-browser.js'

/*
 * Access tokens live 5 s and are refreshed within 3 s of expiry: a token is
 * due 2 s after it was issued, and a fresh one is not due for another 2 s,
 * which is ample for one burst of requests.
 */
const ACCESS_TOKEN_TTL = 5
const REFRESH_MARGIN = '3'
const UNTIL_DUE_MS = 2200

interface GrantLog { refreshGrants (): number, failedRefreshGrants (): number }

function grantLog (): GrantLog & { onTokenGrant (grant: { grantType: string, ok: boolean }): void } {
  const grants: Array<{ grantType: string, ok: boolean }> = []
  const count = (ok: boolean): number => grants.filter((grant) => grant.grantType === 'refresh_token' && grant.ok === ok).length
  return {
    onTokenGrant: (grant) => { grants.push(grant) },
    refreshGrants: () => count(true),
    failedRefreshGrants: () => count(false)
  }
}

async function redisStack (t: { teardown (fn: () => unknown): void }, grants: ReturnType<typeof grantLog>): Promise<{ stack: Stack, b: string, prefix: string, readSession (): Promise<{ id: string, data: SessionData }> }> {
  const { prefix, redis } = await redisForTest(t)
  const env = { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix, TOKEN_REFRESH_MARGIN: REFRESH_MARGIN }
  const stack = await startStack(t, {
    env,
    idp: { accessTokenTtl: ACCESS_TOKEN_TTL, rotateRefreshTokens: true, onTokenGrant: grants.onTokenGrant }
  })
  const port = await freePort()
  await startGateway(t, {
    ...env,
    PORT: String(port),
    BASE_URL: stack.gatewayUrl,
    OIDC_ISSUER: stack.idp.issuer,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET
  })
  const cipher = new SessionCipher([TEST_SECRET])
  async function readSession (): Promise<{ id: string, data: SessionData }> {
    const keys = await redis.keys(`${prefix}s:*`)
    if (keys.length !== 1) throw new Error(`expected one session, found ${keys.length}`)
    const id = (keys[0] as string).slice(`${prefix}s:`.length)
    const value = await redis.get(keys[0] as string) ?? ''
    return { id, data: cipher.decrypt(id, value.slice(value.indexOf('.') + 1)) as SessionData }
  }
  return { stack, b: `http://127.0.0.1:${port}`, prefix, readSession }
}

t.test('one instance: a burst of requests with a due token makes exactly one refresh grant', async (t) => {
  const grants = grantLog()
  const stack = await startStack(t, {
    env: { TOKEN_REFRESH_MARGIN: REFRESH_MARGIN },
    idp: { accessTokenTtl: ACCESS_TOKEN_TTL, rotateRefreshTokens: true, onTokenGrant: grants.onTokenGrant }
  })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  t.equal(grants.refreshGrants(), 0, 'a fresh token is not refreshed')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
  t.equal(grants.refreshGrants(), 0, 'still fresh')

  await sleep(UNTIL_DUE_MS)
  const statuses = await Promise.all(Array.from({ length: 30 }, async () => (await browser.get(`${stack.gatewayUrl}/me`)).status))
  t.same(new Set(statuses), new Set([200]), 'every request succeeds')
  t.equal(grants.refreshGrants(), 1, 'one grant for thirty requests')
  t.equal(grants.failedRefreshGrants(), 0, 'no refresh token was used twice')

  await sleep(UNTIL_DUE_MS)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200, 'the rotated refresh token works')
  t.equal(grants.refreshGrants(), 2)
  t.equal(grants.failedRefreshGrants(), 0)
})

t.test('two instances sharing Redis: one refresh grant for a burst on both, with rotation and reuse detection', async (t) => {
  const grants = grantLog()
  const { stack, b, readSession } = await redisStack(t, grants)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const before = (await readSession()).data.user?.tokens

  await sleep(UNTIL_DUE_MS)
  const urls = Array.from({ length: 40 }, (_, i) => `${i % 2 === 0 ? stack.gatewayUrl : b}/me`)
  const responses = await Promise.all(urls.map(async (url) => await browser.get(url)))
  t.same(new Set(responses.map((response) => response.status)), new Set([200]), 'all forty requests succeed')
  t.ok(responses.every((response) => response.json().nationalNumber === '65070862267'))
  t.equal(grants.refreshGrants(), 1, 'exactly one refresh grant across both instances')
  t.equal(grants.failedRefreshGrants(), 0, 'the provider never saw a refresh token twice')

  const after = (await readSession()).data.user?.tokens
  t.equal(after?.generation, 1, 'the stored session holds the refreshed tokens')
  t.not(after?.refreshToken, before?.refreshToken, 'the refresh token was rotated')
  t.not(after?.accessToken, before?.accessToken)
  t.ok((after?.accessTokenExpiresAt ?? 0) > Date.now() + 3000, 'the new access token is fresh')

  await sleep(UNTIL_DUE_MS)
  t.equal((await browser.get(`${b}/me`)).status, 200, 'the next refresh uses the rotated token')
  t.equal(grants.refreshGrants(), 2)
  t.equal(grants.failedRefreshGrants(), 0)
})

t.test('a revoked refresh token ends the session cleanly: 401, then 401, never a 500', async (t) => {
  const grants = grantLog()
  const { stack, b, readSession } = await redisStack(t, grants)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const { data } = await readSession()
  const revoked = await fetch(new URL('/token/revocation', stack.idp.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: data.user?.tokens.refreshToken ?? '', token_type_hint: 'refresh_token', client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET })
  })
  t.equal(revoked.status, 200, 'revoked at the provider')
  t.equal((await browser.get(`${b}/me`)).status, 200, 'not due yet: the session is served')

  await sleep(UNTIL_DUE_MS)
  const first = await browser.get(`${b}/me`)
  t.equal(first.status, 401)
  t.same(first.json(), { error: 'unauthenticated', message: 'The session has ended at the identity provider; sign in again' })
  t.equal(grants.failedRefreshGrants(), 1, 'one refused grant')
  const next = await browser.get(`${stack.gatewayUrl}/me`)
  t.equal(next.status, 401, 'the session is gone on the other instance too')
  t.equal(next.json().error, 'unauthenticated')
  t.equal(grants.failedRefreshGrants(), 1, 'no further grant attempts')
})

t.test('a provider that is down during a refresh costs no session: /me is still served', async (t) => {
  const grants = grantLog()
  const port = await freePort()
  const gatewayUrl = `http://127.0.0.1:${port}`
  const idpPort = await freePort()
  const idpOptions = { port: idpPort, accessTokenTtl: ACCESS_TOKEN_TTL, onTokenGrant: grants.onTokenGrant }
  const idp = await startTestIdp(t, gatewayUrl, idpOptions)
  const { logs } = await startGateway(t, {
    PORT: String(port),
    BASE_URL: gatewayUrl,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    TOKEN_REFRESH_MARGIN: REFRESH_MARGIN
  })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, gatewayUrl)
  await idp.close()
  await sleep(UNTIL_DUE_MS)
  const me = await browser.get(`${gatewayUrl}/me`)
  t.equal(me.status, 200, 'the profile needs no provider')
  t.ok(logs.text.includes('access token not refreshed; provider unavailable'), 'the missed refresh is logged')
  t.equal(grants.refreshGrants(), 0)
  t.equal((await browser.get(`${gatewayUrl}/me`)).status, 200, 'still signed in')
})
