import t, { type Test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose'
import type { Env } from '../../src/config/index.js'
import type { ResourceServer, TokenGrant } from '../../src/dev-idp/index.js'
import { SessionCipher } from '../../src/sessions/cipher.js'
import type { SessionData } from '../../src/sessions/types.js'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { freePort } from '../helpers/free-port.js'
import { startGateway, startStack, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_SECRET, type Stack } from '../helpers/gateway.js'
import { startRecordingUpstream, type ReceivedRequest, type RecordingUpstream } from '../helpers/recording-upstream.js'
import { redisForTest, REDIS_URL } from '../helpers/redis.js'
import { TestBrowser, type TestResponse } from '../helpers/test-browser.js'

/*
 * Two services with tokens of their own at the embedded provider (JWTs whose
 * `aud` is the resource), and a third that gets the session's own token.
 * Service tokens live 4 s and are renewed halfway (the 3 s margin is longer
 * than that); the session's access token lives 5 s and is due 2 s after it
 * was issued. Waiting 2.2 s makes both due.
 */
const ORDERS = 'https://orders.example.com'
const HR = 'https://hr.example.com'
const SERVICE_TOKEN_TTL = 4
const SESSION_TOKEN_TTL = 5
const UNTIL_DUE_MS = 2200
function resourceServers (accessTokenTtl = SERVICE_TOKEN_TTL): ResourceServer[] {
  return [
    { resource: ORDERS, scope: 'orders:read orders:write', accessTokenTtl },
    { resource: HR, scope: 'hr:read', accessTokenTtl }
  ]
}
/** An RFC 8707 login's grant covers what it asked for: the services' scopes come with the login's. */
const LOGIN_SCOPE = 'openid profile email offline_access orders:read orders:write hr:read'
const CSRF = { 'x-csrf': '1' }
const SUB = 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}'

interface Grants {
  onTokenGrant (grant: TokenGrant): void
  /** Successful grants of this type. */
  count (grantType: string): number
  /** Successful refresh grants for this resource; undefined: the session's own. */
  refreshes (resource: string | undefined): number
  failed (): number
}

function grantLog (): Grants {
  const grants: TokenGrant[] = []
  return {
    onTokenGrant: (grant) => { grants.push(grant) },
    count: (grantType) => grants.filter((grant) => grant.ok && grant.grantType === grantType).length,
    refreshes: (resource) => grants.filter((grant) => grant.ok && grant.grantType === 'refresh_token' && grant.resource === resource).length,
    failed: () => grants.filter((grant) => !grant.ok).length
  }
}

interface TokenStack {
  readonly stack: Stack
  readonly upstream: RecordingUpstream
  readonly grants: Grants
  /** Another gateway instance on the same Redis. */
  readonly second: string
  readSession (): Promise<SessionData>
  rawSessions (): Promise<string[]>
}

/** Without `upstreams` (given the recording upstream's URL): orders and hr by refresh grants, and `session` with the session's token. */
async function tokenStack (t: Test, { upstreams, idp = {}, env = {} }: { upstreams?: (url: string) => Record<string, unknown>, idp?: Record<string, unknown>, env?: Env } = {}): Promise<TokenStack> {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  const grants = grantLog()
  const { prefix, redis } = await redisForTest(t)
  const shared: Env = {
    SESSION_STORE: 'redis',
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    TOKEN_REFRESH_MARGIN: '3',
    OIDC_SCOPE: LOGIN_SCOPE,
    UPSTREAMS: JSON.stringify(upstreams?.(upstream.url) ?? {
      orders: { url: `${upstream.url}/orders`, resource: ORDERS, scope: 'orders:read' },
      hr: { url: `${upstream.url}/hr`, resource: HR, scope: 'hr:read' },
      session: { url: `${upstream.url}/session` }
    }),
    ...env
  }
  const stack = await startStack(t, {
    env: shared,
    idp: { accessTokenTtl: SESSION_TOKEN_TTL, rotateRefreshTokens: true, resourceServers: resourceServers(), onTokenGrant: grants.onTokenGrant, ...idp }
  })
  const port = await freePort()
  await startGateway(t, { ...shared, PORT: String(port), BASE_URL: stack.gatewayUrl, OIDC_ISSUER: stack.idp.issuer, OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET })
  const cipher = new SessionCipher([TEST_SECRET])
  async function rawSessions (): Promise<string[]> {
    const keys = await redis.keys(`${prefix}s:*`)
    return await Promise.all(keys.map(async (key) => await redis.get(key) ?? ''))
  }
  async function readSession (): Promise<SessionData> {
    const keys = await redis.keys(`${prefix}s:*`)
    if (keys.length !== 1) throw new Error(`expected one session, found ${keys.length}`)
    const id = (keys[0] as string).slice(`${prefix}s:`.length)
    const value = await redis.get(keys[0] as string) ?? ''
    return cipher.decrypt(id, value.slice(value.indexOf('.') + 1)) as SessionData
  }
  return { stack, upstream, grants, second: `http://127.0.0.1:${port}`, readSession, rawSessions }
}

function bearerOf (request: ReceivedRequest | { headers: Record<string, unknown> }): string {
  return String(request.headers.authorization ?? '').replace(/^Bearer /, '')
}

/** The bearer tokens each service received, by the first segment of the path. */
function receivedBy (upstream: RecordingUpstream, service: string): string[] {
  return upstream.received.filter((request) => request.url.startsWith(`/${service}/`)).map(bearerOf)
}

async function verifiedAt (issuer: string, token: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer })
  return payload
}

async function callAll (browser: TestBrowser, urls: string[]): Promise<TestResponse[]> {
  return await Promise.all(urls.map(async (url) => await browser.get(url, CSRF)))
}

t.test('two services get tokens of their own: each a provider-signed JWT for its resource and scopes, never the other\'s nor the session\'s', async (t) => {
  // Tokens that outlive the test: every call may use what is kept.
  const { stack, upstream, grants, readSession } = await tokenStack(t, { idp: { accessTokenTtl: 3600, resourceServers: resourceServers(3600) } })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  for (let round = 0; round < 3; round++) {
    for (const service of ['orders', 'hr', 'session']) {
      t.equal((await browser.get(`${stack.gatewayUrl}/api/${service}/items`, CSRF)).status, 200, `${service}, round ${round}`)
    }
  }
  const orders = receivedBy(upstream, 'orders')
  const hr = receivedBy(upstream, 'hr')
  const session = receivedBy(upstream, 'session')
  t.equal(orders.length, 3)
  t.equal(hr.length, 3)
  for (const token of orders) {
    t.match(await verifiedAt(stack.idp.issuer, token), { aud: ORDERS, scope: 'orders:read', sub: SUB, client_id: TEST_CLIENT_ID }, 'orders gets a JWT for orders, with only the scope it asked for')
  }
  for (const token of hr) {
    t.match(await verifiedAt(stack.idp.issuer, token), { aud: HR, scope: 'hr:read', sub: SUB }, 'hr gets a JWT for hr')
  }
  t.equal(new Set(orders).size, 1, 'orders gets the same token each time: it is kept')
  t.equal(new Set(hr).size, 1)
  t.not(orders[0], hr[0], 'the two services get different tokens')
  const stored = (await readSession()).user?.tokens
  t.equal(session[0], stored?.accessToken, 'the plain service gets the session\'s own access token')
  for (const token of session) {
    t.notOk(orders.includes(token) || hr.includes(token), 'the session\'s token never reaches orders or hr')
  }
  t.same(Object.keys(stored?.apis ?? {}).sort(), ['hr', 'orders'], 'the session keeps one token per service')
  t.equal(stored?.apis?.orders?.accessToken, orders[0])
  t.equal(grants.refreshes(ORDERS), 1, 'one grant for orders, however many calls')
  t.equal(grants.refreshes(HR), 1, 'one grant for hr')
  t.equal(grants.refreshes(undefined), 0, 'the session\'s own token was not refreshed for them')
  t.equal(grants.failed(), 0)
})

t.test('tokens of their own are encrypted at rest with the rest of the session', async (t) => {
  const { stack, upstream, rawSessions } = await tokenStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  t.equal((await browser.get(`${stack.gatewayUrl}/api/orders/items`, CSRF)).status, 200)
  const [token] = receivedBy(upstream, 'orders')
  const raw = (await rawSessions()).join('\n')
  t.ok(token !== undefined && token.length > 100, 'orders got a token')
  t.notOk(raw.includes(token as string), 'Redis holds no service token in the clear')
  t.notOk(raw.includes((token as string).split('.')[1] as string), 'not even its claims')
})

t.test('with rotation on, a burst on two instances with every token due makes one grant per token, and the rotated refresh token keeps working', async (t) => {
  const { stack, upstream, grants, second, readSession } = await tokenStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const atLogin = (await readSession()).user?.tokens.refreshToken
  t.equal((await browser.get(`${stack.gatewayUrl}/api/orders/first`, CSRF)).status, 200)
  const afterOrders = (await readSession()).user?.tokens
  t.not(afterOrders?.refreshToken, atLogin, 'the grant for orders rotated the refresh token, and the session keeps the new one')
  t.equal((await browser.get(`${second}/api/hr/first`, CSRF)).status, 200, 'the next grant, on the other instance, uses the rotated one')
  t.equal(grants.failed(), 0, 'no refresh token was used twice')

  await sleep(UNTIL_DUE_MS)
  const bases = [stack.gatewayUrl, second]
  const paths = ['/api/orders/burst', '/api/hr/burst', '/api/session/burst', '/me']
  const urls = Array.from({ length: 48 }, (_, i) => `${bases[i % 2] as string}${paths[Math.floor(i / 2) % paths.length] as string}`)
  const started = Date.now()
  const statuses = (await callAll(browser, urls)).map((response) => response.status)
  t.comment(`burst took ${Date.now() - started} ms`)
  t.same(new Set(statuses), new Set([200]), 'all 48 calls succeed')
  t.equal(grants.refreshes(ORDERS), 2, 'one more grant for orders, for the burst on both instances')
  t.equal(grants.refreshes(HR), 2, 'one more for hr')
  t.equal(grants.refreshes(undefined), 1, 'and one refresh of the session\'s own token')
  t.equal(grants.failed(), 0, 'the provider never saw a refresh token twice')
  const burstOrders = new Set(upstream.received.filter((request) => request.url === '/orders/burst').map(bearerOf))
  t.equal(burstOrders.size, 1, 'every burst call to orders carried the one renewed token')
  t.notOk(burstOrders.has(receivedBy(upstream, 'orders')[0] as string), 'not the old one')
  const stored = (await readSession()).user?.tokens
  t.equal(stored?.generation, 5, 'five grants, five generations: none lost to a stale write')
  t.ok(stored?.apis?.orders !== undefined && stored.apis.hr !== undefined, 'both service tokens survived the session\'s own refresh')

  await sleep(UNTIL_DUE_MS)
  t.equal((await browser.get(`${second}/me`)).status, 200, 'the session\'s refresh token still works afterwards')
  t.equal((await browser.get(`${stack.gatewayUrl}/api/hr/after`, CSRF)).status, 200)
  t.equal(grants.refreshes(undefined), 2)
  t.equal(grants.refreshes(HR), 3)
  t.equal(grants.failed(), 0)
})

t.test('logout ends every token of the session: none is left in the store, and the old cookie reaches no service', async (t) => {
  const { stack, upstream, grants, second, rawSessions } = await tokenStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  t.equal((await browser.get(`${stack.gatewayUrl}/api/orders/items`, CSRF)).status, 200)
  t.equal((await browser.get(`${stack.gatewayUrl}/api/hr/items`, CSRF)).status, 200)
  const cookie = `bff=${browser.cookies(stack.gatewayUrl).bff ?? ''}`
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  const out = await browser.get(`${stack.gatewayUrl}${me.json().session.logoutUrl as string}`)
  t.equal(out.status, 302, 'signed out')
  t.same(await rawSessions(), [], 'no session, and so no service token, is left in Redis')
  const received = upstream.received.length
  const grantsBefore = grants.count('refresh_token')
  for (const base of [stack.gatewayUrl, second]) {
    for (const service of ['orders', 'hr']) {
      const response = await fetch(`${base}/api/${service}/items`, { headers: { cookie, ...CSRF } })
      t.equal(response.status, 401, `${service} with the old cookie on ${base === second ? 'the other' : 'this'} instance`)
      t.equal((await response.json() as { error: string }).error, 'unauthenticated')
    }
  }
  t.equal(upstream.received.length, received, 'no service was called')
  t.equal(grants.count('refresh_token'), grantsBefore, 'and no token was asked for')
})

t.test('a call that got a service token in flight across /logout does not bring the session back', async (t) => {
  const { stack, upstream, rawSessions } = await tokenStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const cookie = `bff=${browser.cookies(stack.gatewayUrl).bff ?? ''}`
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  // Its grant wrote a new token and a rotated refresh token into the session; the answer is held.
  const inFlight = browser.get(`${stack.gatewayUrl}/api/orders/hold`, CSRF)
  await upstream.holding()
  t.equal((await browser.get(`${stack.gatewayUrl}${me.json().session.logoutUrl as string}`)).status, 302)
  upstream.releaseHeld()
  t.equal((await inFlight).status, 200, 'the call in flight gets its answer')
  t.same(await rawSessions(), [], 'and writes nothing back: no session, no service token')
  const again = await fetch(`${stack.gatewayUrl}/api/hr/items`, { headers: { cookie, ...CSRF } })
  t.equal(again.status, 401, 'the ended session stays ended')
  t.equal(receivedBy(upstream, 'hr').length, 0)
})

t.test('a provider that refuses the service or a scope answers 502 provider_error; the session and the other services go on', async (t) => {
  const { stack, upstream, grants } = await tokenStack(t, {
    upstreams: (url) => ({
      unknown: { url: `${url}/unknown`, resource: 'https://unknown.example.com' },
      greedy: { url: `${url}/greedy`, resource: ORDERS, scope: 'orders:read orders:admin' },
      hr: { url: `${url}/hr`, resource: HR }
    }),
    idp: { accessTokenTtl: 3600 }
  })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const unknown = await browser.get(`${stack.gatewayUrl}/api/unknown/items`, CSRF)
  t.equal(unknown.status, 502, 'a resource the provider does not know')
  t.same(unknown.json(), { error: 'provider_error', message: 'The identity provider refused a token for this service' })
  const greedy = await browser.get(`${stack.gatewayUrl}/api/greedy/items`, CSRF)
  t.equal(greedy.status, 502, 'a scope the login was not granted')
  t.same(greedy.json(), { error: 'provider_error', message: 'The identity provider refused a token for this service' })
  t.equal(grants.failed(), 2, 'both refused at the provider')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200, 'the session stays')
  t.equal((await browser.get(`${stack.gatewayUrl}/api/hr/items`, CSRF)).status, 200, 'another service still gets its token: the refused grants cost the refresh token nothing')
  t.equal(grants.refreshes(HR), 1)
  t.same(upstream.received.map((request) => request.url), ['/hr/items'], 'the refused services were never called')
})

t.test('token exchange: the session\'s access token is exchanged for each service\'s own, kept, and the refresh token is left alone', async (t) => {
  const { stack, upstream, grants, readSession } = await tokenStack(t, {
    upstreams: (url) => ({
      orders: { url: `${url}/orders`, resource: ORDERS, scope: 'orders:write', exchange: true },
      hr: { url: `${url}/hr`, audience: HR, exchange: true },
      unknown: { url: `${url}/unknown`, audience: 'https://unknown.example.com', exchange: true }
    }),
    idp: { accessTokenTtl: 3600, tokenExchange: true }
  })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const refreshToken = (await readSession()).user?.tokens.refreshToken
  const tokens = new Map<string, string>()
  for (let round = 0; round < 2; round++) {
    for (const service of ['orders', 'hr']) {
      const response = await browser.get(`${stack.gatewayUrl}/api/${service}/items`, CSRF)
      t.equal(response.status, 200)
      const token = bearerOf(response.json())
      if (round === 1) t.equal(token, tokens.get(service), `${service} gets its kept token the second time`)
      tokens.set(service, token)
    }
  }
  t.match(await verifiedAt(stack.idp.issuer, tokens.get('orders') as string), { aud: ORDERS, scope: 'orders:write', sub: SUB })
  t.match(await verifiedAt(stack.idp.issuer, tokens.get('hr') as string), { aud: HR, scope: 'hr:read', sub: SUB }, 'without a scope, what the login was granted for hr')
  t.equal(grants.count('urn:ietf:params:oauth:grant-type:token-exchange'), 2, 'one exchange per service')
  t.equal(grants.count('refresh_token'), 0, 'no refresh grant')
  const stored = (await readSession()).user?.tokens
  t.equal(stored?.refreshToken, refreshToken, 'the refresh token is the login\'s still')
  t.not(tokens.get('orders'), stored?.accessToken, 'nor is the session\'s access token sent')
  const unknown = await browser.get(`${stack.gatewayUrl}/api/unknown/items`, CSRF)
  t.equal(unknown.status, 502)
  t.same(unknown.json(), { error: 'provider_error', message: 'The identity provider refused a token for this service' })
  t.equal(receivedBy(upstream, 'unknown').length, 0)
})
