import t, { type Test } from 'tap'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ClientCall, DevIdpOptions } from '../../src/dev-idp/index.js'
import { signInAtDevIdp, signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startTenantStack, testKey, type TenantStack } from '../helpers/tenant-stack.js'
import { TestBrowser } from '../helpers/test-browser.js'

/*
 * Each client authentication method against the embedded provider with the
 * gateway's client registered for that method: a login (code exchange), a
 * refresh (access tokens live 2 s and are refreshed within 5 s of expiry,
 * so the first /me refreshes) and the revocation at logout must all
 * authenticate that way. oidc-provider takes a secret in the header or the
 * body for either secret method, so the provider reports how each call
 * authenticated, read from the request itself.
 */
const ACCESS_TOKEN_TTL = 2
const ALWAYS_DUE = { TOKEN_REFRESH_MARGIN: '5' }

interface Calls {
  readonly grants: Array<{ grantType: string, ok: boolean }>
  readonly clientCalls: ClientCall[]
  readonly idp: Partial<DevIdpOptions>
}

function recordCalls (): Calls {
  const grants: Calls['grants'] = []
  const clientCalls: Calls['clientCalls'] = []
  return {
    grants,
    clientCalls,
    idp: { accessTokenTtl: ACCESS_TOKEN_TTL, onTokenGrant: (grant) => grants.push(grant), onClientCall: (call) => clientCalls.push(call) }
  }
}

/** Signs in, reads /me (which refreshes the due access token) and signs out (which revokes the refresh token). */
async function loginRefreshLogout (t: Test, stack: TenantStack, calls: Calls, auth: ClientCall['auth']): Promise<void> {
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  t.same(calls.grants, [{ grantType: 'authorization_code', ok: true }], 'the code was exchanged')
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  t.equal(me.status, 200, 'signed in')
  t.same(calls.grants.filter((grant) => grant.grantType === 'refresh_token'), [{ grantType: 'refresh_token', ok: true }], 'the due token was refreshed')
  const logout = await browser.get(`${stack.gatewayUrl}${me.json().session.logoutUrl as string}`)
  t.equal(logout.status, 302, 'signed out')
  for (let i = 0; i < 40 && calls.clientCalls.length < 3; i++) await sleep(50)
  t.same(calls.clientCalls, [
    { endpoint: 'token', status: 200, auth },
    { endpoint: 'token', status: 200, auth },
    { endpoint: 'revocation', status: 200, auth }
  ], `the code exchange, the refresh and the revocation each authenticated with ${auth}`)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)
}

t.test('client_secret_basic: login, refresh and revocation send the secret in HTTP Basic', async (t) => {
  const calls = recordCalls()
  const stack = await startTenantStack(t, {
    env: { OIDC_CLIENT_AUTH: 'client_secret_basic', ...ALWAYS_DUE },
    idp: () => ({ ...calls.idp, gatewayClient: { tokenEndpointAuthMethod: 'client_secret_basic' } })
  })
  await loginRefreshLogout(t, stack, calls, 'client_secret_basic')
})

t.test('client_secret_post, the default: login, refresh and revocation send the secret in the body', async (t) => {
  const calls = recordCalls()
  const stack = await startTenantStack(t, {
    env: ALWAYS_DUE,
    idp: () => ({ ...calls.idp, gatewayClient: { tokenEndpointAuthMethod: 'client_secret_post' } })
  })
  await loginRefreshLogout(t, stack, calls, 'client_secret_post')
})

t.test('a secret sent to a provider that registered private_key_jwt is refused at the code exchange, and no session is made', async (t) => {
  const calls = recordCalls()
  const stack = await startTenantStack(t, { idp: () => ({ ...calls.idp, gatewayClient: { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [testKey().publicJwk('k', 'sig', 'RS256')] } } }) })
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await browser.get((await signInAtDevIdp(browser, login.location as string, 'chris')).href)
  t.equal(callback.status, 502)
  t.equal(callback.json().error, 'provider_error')
  t.same(calls.grants, [{ grantType: 'authorization_code', ok: false }], 'the provider refused the client')
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)
})

t.test('private_key_jwt with a PEM key: the provider reads the public key from the gateway\'s /jwks.json, and no secret is set', async (t) => {
  const calls = recordCalls()
  const key = testKey()
  const stack = await startTenantStack(t, {
    env: { OIDC_CLIENT_AUTH: 'private_key_jwt', OIDC_CLIENT_KEY: key.pem, OIDC_CLIENT_SECRET: '', ...ALWAYS_DUE },
    idp: (gatewayUrl) => ({ ...calls.idp, gatewayClient: { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: `${gatewayUrl}/jwks.json` } })
  })
  t.equal(stack.app.config.oidc.clientSecret, undefined, 'no secret to leak')
  const jwks = await new TestBrowser().get(`${stack.gatewayUrl}/jwks.json`)
  t.equal(jwks.status, 200)
  const [published] = jwks.json().keys
  t.same(Object.keys(published).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use'], 'public members only')
  t.match(published, { kty: 'RSA', use: 'sig', alg: 'RS256', n: key.jwk.n, e: key.jwk.e })
  await loginRefreshLogout(t, stack, calls, 'private_key_jwt')
})

t.test('private_key_jwt with an EC JWK from a file, the key id given, and the provider holding a static JWK set', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-key-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const key = testKey('ec')
  const file = join(dir, 'client-key.json')
  await writeFile(file, JSON.stringify(key.jwk), { mode: 0o600 })
  const calls = recordCalls()
  const stack = await startTenantStack(t, {
    env: { OIDC_CLIENT_AUTH: 'private_key_jwt', OIDC_CLIENT_KEY_FILE: file, OIDC_CLIENT_KEY_ID: 'gateway-sig-2026', ...ALWAYS_DUE },
    idp: () => ({ ...calls.idp, gatewayClient: { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.publicJwk('gateway-sig-2026', 'sig', 'ES256')] } } })
  })
  await loginRefreshLogout(t, stack, calls, 'private_key_jwt')
})

t.test('an assertion signed with another key than the provider registered is refused, and no session is made', async (t) => {
  const registered = testKey()
  const other = testKey()
  const calls = recordCalls()
  const stack = await startTenantStack(t, {
    env: { OIDC_CLIENT_AUTH: 'private_key_jwt', OIDC_CLIENT_KEY: other.pem, OIDC_CLIENT_KEY_ID: 'gateway-sig' },
    idp: () => ({ ...calls.idp, gatewayClient: { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [registered.publicJwk('gateway-sig', 'sig', 'RS256')] } } })
  })
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await browser.get((await signInAtDevIdp(browser, login.location as string, 'chris')).href)
  t.equal(callback.status, 502)
  t.equal(callback.json().error, 'provider_error')
  t.same(calls.grants, [{ grantType: 'authorization_code', ok: false }])
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)
})
