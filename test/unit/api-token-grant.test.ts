import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateKeyPair, SignJWT } from 'jose'
import * as client from 'openid-client'
import { loadConfig } from '../../src/config/index.js'
import type { ApiTokenConfig } from '../../src/config/api-tokens.js'
import { GatewayError } from '../../src/errors.js'
import { requestApiToken } from '../../src/oidc/api-token-grant.js'
import { ApiTokens, type ApiTokenGrant, type IssuedApiToken } from '../../src/sessions/api-tokens.js'
import { MemoryLocks } from '../../src/sessions/locks.js'
import { MemorySessionStore } from '../../src/sessions/memory-store.js'
import { sessionUserOf } from '../../src/sessions/session-user.js'
import { TokenRefresher } from '../../src/sessions/token-refresher.js'
import type { SessionUser, TokenSet } from '../../src/sessions/types.js'

/*
 * Auth0 itself cannot run here: a token endpoint on loopback stands for an
 * Auth0 application with Multi-Resource Refresh Token policies and rotation
 * (https://auth0.com/docs/secure/tokens/refresh-tokens/multi-resource-refresh-token):
 * a refresh grant with an `audience` in the policies gets a JWT for it and a
 * new refresh token, the old one is then refused; an `audience` outside the
 * policies is silently answered with a token for the default audience, as
 * Auth0 documents. It also answers token exchanges as RFC 8693 describes.
 */
const POLICIES: Readonly<Record<string, string>> = { 'https://orders.example.com': 'orders:read orders:write' }
const DEFAULT_AUDIENCE = 'https://default.example.com'
const CLIENT_ID = 'gateway'
const CLIENT_SECRET = 'gateway-secret'

interface TokenEndpoint {
  readonly configuration: client.Configuration
  /** Every form the endpoint received, as sent. */
  readonly requests: URLSearchParams[]
  /** The next answer is this instead: a status and a JSON body. */
  answerNext (status: number, body: Record<string, unknown>): void
  liveRefreshToken (): string
}

async function auth0Standin (t: { teardown (fn: () => unknown): void }): Promise<TokenEndpoint> {
  const { privateKey } = await generateKeyPair('RS256')
  const requests: URLSearchParams[] = []
  let live = 'rt-0'
  let rotations = 0
  let next: { status: number, body: Record<string, unknown> } | undefined
  const jwt = async (aud: string, scope: string): Promise<string> => await new SignJWT({ scope, sub: 'auth0|chris' })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' }).setIssuer('https://tenant.example.com/').setAudience([aud, 'https://tenant.example.com/userinfo'])
    .setIssuedAt().setExpirationTime('10m').sign(privateKey)
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => { body += chunk.toString() })
    req.on('end', () => {
      void (async () => {
        const form = new URLSearchParams(body)
        requests.push(form)
        const answer = (status: number, json: Record<string, unknown>): void => {
          res.writeHead(status, { 'content-type': 'application/json' })
          res.end(JSON.stringify(json))
        }
        const basic = req.headers.authorization === `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`
        const posted = form.get('client_id') === CLIENT_ID && form.get('client_secret') === CLIENT_SECRET
        if (!basic && !posted) return answer(401, { error: 'invalid_client' })
        form.delete('client_id')
        form.delete('client_secret')
        if (next !== undefined) {
          const { status, body: json } = next
          next = undefined
          return answer(status, json)
        }
        if (form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:token-exchange') {
          const audience = form.get('audience') ?? ''
          return answer(200, { access_token: await jwt(audience, form.get('scope') ?? ''), issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 120 })
        }
        if (form.get('refresh_token') !== live) return answer(403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' })
        live = `rt-${++rotations}`
        const audience = form.get('audience') ?? DEFAULT_AUDIENCE
        const policy = POLICIES[audience]
        // Outside the policies the audience is ignored: a token for the default audience comes back.
        const scope = policy === undefined ? 'openid profile' : (form.get('scope') ?? policy).split(' ').filter((name) => policy.split(' ').includes(name)).join(' ')
        answer(200, { access_token: await jwt(policy === undefined ? DEFAULT_AUDIENCE : audience, scope), refresh_token: live, scope, token_type: 'Bearer', expires_in: 86400 })
      })()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const configuration = new client.Configuration({ issuer: 'https://tenant.example.com/', token_endpoint: `${base}/oauth/token` }, CLIENT_ID, CLIENT_SECRET)
  client.allowInsecureRequests(configuration)
  return {
    configuration,
    requests,
    answerNext: (status, body) => { next = { status, body } },
    liveRefreshToken: () => live
  }
}

function settingsOf (entry: Record<string, unknown>): ApiTokenConfig {
  const settings = loadConfig({ UPSTREAMS: JSON.stringify({ api: { url: 'http://api', ...entry } }) }).upstreams.api?.apiToken
  if (settings === undefined) throw new Error('no token settings')
  return settings
}

function tokensWith (refreshToken: string): TokenSet {
  return { accessToken: 'session-access-token', idToken: 'id', refreshToken, accessTokenExpiresAt: Date.now() + 60_000, scope: 'openid', generation: 3 }
}

/** The error a grant threw, or the refusal it answered with. */
async function refusal (promise: Promise<ApiTokenGrant>): Promise<GatewayError> {
  let answer: ApiTokenGrant
  try {
    answer = await promise
  } catch (error) {
    if (error instanceof GatewayError) return error
    throw error
  }
  if ('refused' in answer) return answer.refused
  throw new Error('expected a refusal')
}

async function issued (promise: Promise<ApiTokenGrant>): Promise<IssuedApiToken> {
  const answer = await promise
  if ('refused' in answer) throw answer.refused
  return answer
}

t.test('Auth0 style: the refresh grant names the API by audience with its scopes, and the rotated refresh token comes back', async (t) => {
  const auth0 = await auth0Standin(t)
  const orders = settingsOf({ audience: 'https://orders.example.com', scope: 'orders:read' })
  const before = Date.now()
  const granted = await issued(requestApiToken(auth0.configuration, orders, tokensWith('rt-0')))
  const form = auth0.requests[0]
  t.equal(form?.get('grant_type'), 'refresh_token')
  t.equal(form?.get('refresh_token'), 'rt-0')
  t.equal(form?.get('audience'), 'https://orders.example.com', 'Auth0 takes the API as audience')
  t.equal(form?.get('scope'), 'orders:read')
  t.notOk(form?.has('resource'), 'and no resource')
  t.equal(granted.refreshToken, 'rt-1', 'the rotated refresh token, for the session to keep')
  t.equal(granted.scope, 'orders:read')
  // openid-client counts expires_in down from when the answer came, in whole seconds.
  t.ok(granted.expiresAt >= before + 86_399_000 && granted.expiresAt <= Date.now() + 86_400_000, 'expires_in counts')
  t.equal(auth0.liveRefreshToken(), 'rt-1')

  const again = await issued(requestApiToken(auth0.configuration, orders, tokensWith('rt-1')))
  t.equal(again.refreshToken, 'rt-2', 'the next grant with the new one works')
  const reused = await refusal(requestApiToken(auth0.configuration, orders, tokensWith('rt-1')))
  t.match(reused, { code: 'unauthenticated', statusCode: 401 }, 'a used refresh token is the end of the session, as with the login\'s own refresh')
})

t.test('Auth0 answers an audience outside its policies with another API\'s token: the gateway refuses it, and keeps the rotated refresh token', async (t) => {
  const auth0 = await auth0Standin(t)
  const answer = await requestApiToken(auth0.configuration, settingsOf({ audience: 'https://hr.example.com', scope: 'hr:read' }), tokensWith('rt-0'))
  t.ok('refused' in answer, 'refused')
  t.match('refused' in answer ? answer.refused : undefined, { code: 'provider_error', statusCode: 502, message: 'The identity provider issued a token for another service' })
  t.equal(answer.refreshToken, 'rt-1', 'Auth0 rotated the refresh token all the same: the answer carries the new one')
  t.equal(auth0.requests.length, 1, 'the provider was asked once')
})

t.test('a session whose grant for an API was refused after a rotation keeps the new refresh token, so the next grant is no reuse', async (t) => {
  const auth0 = await auth0Standin(t)
  const store = new MemorySessionStore({ maxEntries: 10 })
  const refresher = new TokenRefresher({
    store,
    locks: new MemoryLocks(),
    refresh: async () => { throw new Error('the session\'s own token is fresh') },
    marginSeconds: 60,
    grantTimeoutMs: 2000,
    idleTimeoutSeconds: 600
  })
  const apiTokens = new ApiTokens({ refresher, grant: async (settings, tokens) => await requestApiToken(auth0.configuration, settings, tokens), marginSeconds: 60 })
  const user: SessionUser = sessionUserOf({ sub: 'auth0|chris', sid: 'sid-1', claims: {}, tokens: tokensWith('rt-0'), signedInAt: Date.now(), expiresAt: Date.now() + 600_000 })
  await store.create('session-1', { user }, 600)

  const hr = settingsOf({ audience: 'https://hr.example.com', scope: 'hr:read' })
  const refused = await apiTokens.tokenFor('session-1', user, 'hr', hr).then(() => undefined, (error: unknown) => error)
  t.match(refused, { code: 'provider_error', statusCode: 502 }, 'the call is refused')
  const stored = (await store.get('session-1'))?.user?.tokens
  t.equal(stored?.refreshToken, 'rt-1', 'the session holds the refresh token Auth0 rotated to')
  t.equal(stored?.generation, 4, 'one generation up')
  t.same(stored?.apis ?? {}, {}, 'and no token for hr')

  const orders = await apiTokens.tokenFor('session-1', user, 'orders', settingsOf({ audience: 'https://orders.example.com', scope: 'orders:read' }))
  t.ok(orders.accessToken.length > 100, 'the next grant, with the stale user in hand, works')
  t.equal(auth0.requests[1]?.get('refresh_token'), 'rt-1', 'it sent the rotated refresh token, read again under the lock')
  t.equal(orders.user.tokens.refreshToken, 'rt-2')
  t.equal(auth0.liveRefreshToken(), 'rt-2')
})

t.test('a token that cannot show whose it is, or an exchange that issues something else, is refused', async (t) => {
  const auth0 = await auth0Standin(t)
  const orders = settingsOf({ audience: 'https://orders.example.com' })
  const rows: Array<[name: string, answer: Record<string, unknown>, settings: ApiTokenConfig, message: string]> = [
    ['an opaque token', { access_token: 'opaque-token-value', token_type: 'Bearer', expires_in: 60 }, orders, 'The identity provider issued a token for this service that does not show whose it is'],
    ['an encrypted token', { access_token: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..iv.ciphertext.tag', token_type: 'Bearer' }, orders, 'The identity provider issued a token for this service that does not show whose it is'],
    ['an exchange that issues an ID token', { access_token: 'x.y.z', issued_token_type: 'urn:ietf:params:oauth:token-type:id_token', token_type: 'N_A' }, settingsOf({ audience: 'https://orders.example.com', exchange: true }), 'The identity provider exchanged the session\'s token for something other than an access token']
  ]
  for (const [name, answer, settings, message] of rows) {
    auth0.answerNext(200, answer)
    t.match(await refusal(requestApiToken(auth0.configuration, settings, tokensWith(auth0.liveRefreshToken()))), { code: 'provider_error', statusCode: 502, message }, name)
  }
  auth0.answerNext(200, { access_token: 'opaque-token-value', refresh_token: 'rt-rotated', token_type: 'Bearer' })
  t.equal((await requestApiToken(auth0.configuration, orders, tokensWith(auth0.liveRefreshToken()))).refreshToken, 'rt-rotated', 'a refused answer still hands over the rotated refresh token')
})

t.test('a provider that refuses or fails is a 502, a refused refresh token a 401, and no refresh token no grant', async (t) => {
  const auth0 = await auth0Standin(t)
  const orders = settingsOf({ audience: 'https://orders.example.com' })
  const exchange = settingsOf({ audience: 'https://orders.example.com', exchange: true })
  const rows: Array<[name: string, status: number, body: Record<string, unknown>, settings: ApiTokenConfig, code: string, statusCode: number]> = [
    ['access_denied', 403, { error: 'access_denied' }, orders, 'provider_error', 502],
    ['invalid_scope', 400, { error: 'invalid_scope' }, orders, 'provider_error', 502],
    ['invalid_target', 400, { error: 'invalid_target' }, orders, 'provider_error', 502],
    ['a server error', 500, { error: 'server_error' }, orders, 'provider_error', 502],
    ['invalid_grant on a refresh', 400, { error: 'invalid_grant' }, orders, 'unauthenticated', 401],
    ['invalid_grant on an exchange: the session\'s refresh token is not in question', 400, { error: 'invalid_grant' }, exchange, 'provider_error', 502]
  ]
  for (const [name, status, body, settings, code, statusCode] of rows) {
    auth0.answerNext(status, body)
    t.match(await refusal(requestApiToken(auth0.configuration, settings, tokensWith(auth0.liveRefreshToken()))), { code, statusCode }, name)
  }
  const requests = auth0.requests.length
  t.match(await refusal(requestApiToken(auth0.configuration, orders, { ...tokensWith('x'), refreshToken: undefined })), { code: 'provider_error', statusCode: 502 }, 'a session without a refresh token')
  t.equal(auth0.requests.length, requests, 'asks nothing')
})

t.test('token exchange: the session\'s access token as subject, an access token asked for the audience', async (t) => {
  const auth0 = await auth0Standin(t)
  const granted = await issued(requestApiToken(auth0.configuration, settingsOf({ audience: 'https://orders.example.com', scope: 'orders:read', exchange: true }), tokensWith('rt-0')))
  const form = auth0.requests[0]
  t.same(Object.fromEntries(form ?? []), {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    audience: 'https://orders.example.com',
    scope: 'orders:read',
    subject_token: 'session-access-token',
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    requested_token_type: 'urn:ietf:params:oauth:token-type:access_token'
  }, 'no refresh token is sent')
  t.equal(granted.refreshToken, undefined, 'and none comes back to replace the session\'s')
  t.equal(auth0.liveRefreshToken(), 'rt-0')
})
