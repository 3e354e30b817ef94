import t from 'tap'
import { CompactEncrypt, createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose'
import type { ClientCall } from '../../src/dev-idp/index.js'
import { logoutAtDevIdp, signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startTenantStack, testKey, type TenantStack } from '../helpers/tenant-stack.js'
import { TestBrowser } from '../helpers/test-browser.js'
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../helpers/constants.js'
import { freePort } from '../helpers/free-port.js'
import { startGateway } from '../helpers/gateway.js'
import { startRogueProvider } from '../helpers/rogue-provider.js'

/*
 * Pushed authorization requests (RFC 9126) and signed request objects (RFC
 * 9101, JAR) against the embedded provider, configured to require them as a
 * tenant would: it refuses the plain request, so a login that completes
 * went the way the test says.
 */

/** /login, the provider's chooser, the callback; returns the authorization URL and how the callback answered. */
async function logIn (stack: TenantStack, browser: TestBrowser, query = '?eid=itsme&returnTo=/done'): Promise<{ authorize: URL, status: number, location: string | undefined }> {
  const login = await browser.get(`${stack.gatewayUrl}/login${query}`)
  if (login.status !== 302) throw new Error(`/login answered ${login.status}: ${login.text}`)
  const authorize = new URL(login.location as string)
  const callback = await browser.get((await signInAtDevIdp(browser, authorize.href, 'chris')).href)
  return { authorize, status: callback.status, location: callback.location }
}

async function discovery (issuer: string): Promise<Record<string, unknown>> {
  return await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>
}

t.test('OIDC_PAR=true: the parameters go on the back channel and the browser carries only client_id and request_uri', async (t) => {
  const calls: ClientCall[] = []
  const stack = await startTenantStack(t, { env: { OIDC_PAR: 'true' }, idp: () => ({ onClientCall: (call) => calls.push(call) }) })
  const browser = new TestBrowser()
  const { authorize, status, location } = await logIn(stack, browser)
  t.same([...authorize.searchParams.keys()].sort(), ['client_id', 'request_uri'])
  t.equal(authorize.searchParams.get('client_id'), TEST_CLIENT_ID)
  t.match(authorize.searchParams.get('request_uri'), /^urn:ietf:params:oauth:request_uri:/)
  t.same(calls[0], { endpoint: 'pushed_authorization_request', status: 201, auth: 'client_secret_post' }, 'pushed, as the client authenticates')
  t.equal(status, 302)
  t.equal(location, `${stack.gatewayUrl}/done`)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
})

t.test('a provider whose metadata requires PAR gets pushed requests without OIDC_PAR, and refuses plain ones', async (t) => {
  const stack = await startTenantStack(t, { idp: () => ({ gatewayClient: { requirePushedAuthorizationRequests: true } }) })
  t.equal((await discovery(stack.idp.issuer)).require_pushed_authorization_requests, true, 'the metadata says so')
  t.equal(stack.app.config.oidc.pushedAuthorizationRequests, false, 'not configured')
  const plain = new URL(`${stack.idp.issuer}/auth`)
  plain.search = new URLSearchParams({ client_id: TEST_CLIENT_ID, response_type: 'code', scope: 'openid', redirect_uri: `${stack.gatewayUrl}/callback`, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString()
  const refused = await new TestBrowser().get(plain)
  t.not(refused.status, 200, 'a plain authorization request is refused')
  t.notMatch(refused.text, /Who are you\?/, 'no chooser for it')

  const browser = new TestBrowser()
  const { authorize, status } = await logIn(stack, browser)
  t.same([...authorize.searchParams.keys()].sort(), ['client_id', 'request_uri'])
  t.equal(status, 302)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
})

t.test('OIDC_JAR=true: the authorization request is a request object signed with the gateway\'s key, as the provider requires', async (t) => {
  const key = testKey()
  const stack = await startTenantStack(t, {
    env: { OIDC_JAR: 'true', OIDC_CLIENT_KEY: key.pem, OIDC_CLIENT_KEY_ID: 'gateway-jar' },
    idp: (gatewayUrl) => ({ gatewayClient: { requireSignedRequestObject: true, jwksUri: `${gatewayUrl}/jwks.json` } })
  })
  t.equal((await discovery(stack.idp.issuer)).require_signed_request_object, true)
  const browser = new TestBrowser()
  const { authorize, status } = await logIn(stack, browser, '?eid=itsme&returnTo=/done&ui_locales=nl-BE')
  t.same([...authorize.searchParams.keys()].sort(), ['client_id', 'request'])
  const request = authorize.searchParams.get('request') as string
  t.same(decodeProtectedHeader(request), { alg: 'RS256', kid: 'gateway-jar', typ: 'oauth-authz-req+jwt' })
  const publicKeys = createLocalJWKSet({ keys: [key.publicJwk('gateway-jar', 'sig', 'RS256')] })
  const { payload } = await jwtVerify(request, publicKeys, { issuer: TEST_CLIENT_ID, audience: stack.idp.issuer })
  t.match(payload, {
    client_id: TEST_CLIENT_ID,
    response_type: 'code',
    redirect_uri: `${stack.gatewayUrl}/callback`,
    code_challenge_method: 'S256',
    connection: 'criipto-itsme',
    ui_locales: 'nl-BE'
  }, 'every parameter is in the signed object')
  t.type(payload.state, 'string')
  t.type(payload.nonce, 'string')
  t.equal(status, 302)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
})

t.test('signed and pushed: the request object goes to the PAR endpoint, the browser carries only client_id and request_uri', async (t) => {
  const key = testKey('ec')
  const calls: ClientCall[] = []
  const stack = await startTenantStack(t, {
    env: { OIDC_PAR: 'true', OIDC_CLIENT_AUTH: 'private_key_jwt', OIDC_CLIENT_KEY: key.pem, OIDC_CLIENT_SECRET: '' },
    idp: (gatewayUrl) => ({
      onClientCall: (call) => calls.push(call),
      gatewayClient: { tokenEndpointAuthMethod: 'private_key_jwt', requireSignedRequestObject: true, requirePushedAuthorizationRequests: true, jwksUri: `${gatewayUrl}/jwks.json` }
    })
  })
  t.equal(stack.app.config.oidc.signedRequestObjects, false, 'JAR not configured: the metadata requires it and a key is there')
  const browser = new TestBrowser()
  const { authorize, status } = await logIn(stack, browser)
  t.same([...authorize.searchParams.keys()].sort(), ['client_id', 'request_uri'])
  t.same(calls[0], { endpoint: 'pushed_authorization_request', status: 201, auth: 'private_key_jwt' })
  t.equal(status, 302)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
})

t.test('a provider that requires signed request objects refuses a gateway without a key, and the log says what is missing', async (t) => {
  const stack = await startTenantStack(t, { idp: () => ({ gatewayClient: { requireSignedRequestObject: true } }) })
  t.ok(stack.logs.entries().some((line) => /requires signed request objects; set OIDC_CLIENT_KEY/.test(String(line.msg))), 'a warning at start')
  const login = await new TestBrowser().get(`${stack.gatewayUrl}/login`)
  const authorize = new URL(login.location as string)
  t.ok(authorize.searchParams.has('state') && !authorize.searchParams.has('request'), 'a plain request')
  const answer = await new TestBrowser().get(authorize)
  const back = answer.location === undefined ? undefined : new URL(answer.location)
  t.equal(back?.searchParams.get('error'), 'invalid_request', 'the provider refuses it')
})

t.test('encrypted ID tokens: the provider encrypts to the gateway\'s published enc key; the gateway decrypts, verifies the signed token inside and keeps it', async (t) => {
  for (const [type, alg, enc] of [['rsa', 'RSA-OAEP-256', 'A256GCM'], ['ec', 'ECDH-ES', 'A128CBC-HS256']] as const) {
    const grants: Array<{ grantType: string, ok: boolean }> = []
    const key = testKey(type)
    const stack = await startTenantStack(t, {
      env: { OIDC_ENCRYPTION_KEY: key.pem, OIDC_LOGOUT_HINT: 'id_token', TOKEN_REFRESH_MARGIN: '5' },
      idp: (gatewayUrl) => ({ accessTokenTtl: 2, onTokenGrant: (grant) => grants.push(grant), gatewayClient: { idTokenEncryption: { alg, enc }, jwksUri: `${gatewayUrl}/jwks.json` } })
    })
    const published = (await new TestBrowser().get(`${stack.gatewayUrl}/jwks.json`)).json().keys as JWK[]
    t.match(published, [{ use: 'enc', alg, kty: type === 'rsa' ? 'RSA' : 'EC' }], `${alg}: the enc key is published`)
    const browser = new TestBrowser()
    const { status } = await logIn(stack, browser)
    t.equal(status, 302, `${alg}: signed in`)
    const me = await browser.get(`${stack.gatewayUrl}/me`)
    t.equal(me.status, 200)
    t.same(grants.map((grant) => grant.grantType), ['authorization_code', 'refresh_token'], `${alg}: the refreshed, encrypted ID token was accepted too`)
    t.ok(grants.every((grant) => grant.ok))
    // The logout redirect carries the kept ID token: the provider's signed JWS, not the JWE.
    const logout = await browser.get(`${stack.gatewayUrl}${me.json().session.logoutUrl as string}`)
    const hint = new URL(logout.location as string).searchParams.get('id_token_hint') as string
    t.equal(hint.split('.').length, 3, `${alg}: a JWS (three parts), not a JWE (five)`)
    t.equal(decodeProtectedHeader(hint).alg, 'RS256')
  }
})

t.test('an ID token encrypted to another key, or to a gateway without one, is refused and no session is made', async (t) => {
  const other = testKey()
  for (const [label, env] of [['another key', { OIDC_ENCRYPTION_KEY: testKey().pem }], ['no key', {}]] as const) {
    const stack = await startTenantStack(t, {
      env,
      idp: () => ({ gatewayClient: { idTokenEncryption: { alg: 'RSA-OAEP-256', enc: 'A256GCM' }, jwks: { keys: [other.publicJwk('elsewhere', 'enc', 'RSA-OAEP-256')] } } })
    })
    const browser = new TestBrowser()
    const login = await browser.get(`${stack.gatewayUrl}/login`)
    const callback = await browser.get((await signInAtDevIdp(browser, login.location as string, 'chris')).href)
    t.equal(callback.status, 400, label)
    t.equal(callback.json().error, 'id_token_invalid', label)
    t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401, label)
  }
})

t.test('with encryption on, the provider\'s logout tokens come encrypted too: decrypted with the same key, they end the session', async (t) => {
  const key = testKey()
  const stack = await startTenantStack(t, {
    env: { OIDC_ENCRYPTION_KEY: key.pem, OIDC_ENCRYPTION_KEY_ID: 'gateway-enc' },
    idp: () => ({ gatewayClient: { idTokenEncryption: { alg: 'RSA-OAEP-256', enc: 'A256GCM' }, jwks: { keys: [key.publicJwk('gateway-enc', 'enc', 'RSA-OAEP-256')] } } })
  })
  const browser = new TestBrowser()
  t.equal((await logIn(stack, browser)).status, 302)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
  await logoutAtDevIdp(browser, new URL('/session/end', stack.idp.issuer).href)
  let status = 200
  for (let i = 0; i < 50 && status === 200; i++) {
    status = (await browser.get(`${stack.gatewayUrl}/me`)).status
    if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(status, 401, 'the back-channel logout ended the session')
  t.match(stack.logs.text, /"sessionsEnded":1/)

  // A logout token encrypted to a key that is not the gateway's, or under another kid, is refused before anything else.
  const stranger = await importJWK(testKey().publicJwk('gateway-enc', 'enc', 'RSA-OAEP-256'), 'RSA-OAEP-256')
  const ours = await importJWK(key.publicJwk('gateway-enc', 'enc', 'RSA-OAEP-256'), 'RSA-OAEP-256')
  const inner = new TextEncoder().encode('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')
  for (const [label, jwe] of [
    ['another key', await new CompactEncrypt(inner).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'gateway-enc' }).encrypt(stranger)],
    ['another kid', await new CompactEncrypt(inner).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'other' }).encrypt(ours)],
    ['another algorithm', await new CompactEncrypt(inner).setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A256GCM' }).encrypt(await importJWK(key.publicJwk('gateway-enc', 'enc', 'RSA-OAEP'), 'RSA-OAEP'))],
    ['an unsigned token inside', await new CompactEncrypt(inner).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }).encrypt(ours)]
  ] as const) {
    const res = await new TestBrowser().post(`${stack.gatewayUrl}/backchannel-logout`, { logout_token: jwe })
    t.equal(res.status, 400, label)
    t.equal(res.json().error, 'logout_token_invalid', label)
  }
})

t.test('a pushed request the provider refuses is a 502 at /login, and nothing is started', async (t) => {
  const calls: ClientCall[] = []
  const stack = await startTenantStack(t, {
    env: { OIDC_PAR: 'true' },
    idp: () => ({ onClientCall: (call) => calls.push(call), gatewayClient: { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [testKey().publicJwk('k', 'sig', 'RS256')] } } })
  })
  const res = await new TestBrowser().get(`${stack.gatewayUrl}/login?returnTo=/x`)
  t.equal(res.status, 502)
  t.same(res.json(), { error: 'provider_error', message: 'The identity provider refused the authorization request' })
  t.same(res.setCookies, [], 'no session cookie')
  t.same(calls, [{ endpoint: 'pushed_authorization_request', status: 401, auth: 'client_secret_post' }], 'the provider refused the client')
})

t.test('OIDC_PAR=true with a provider that has no PAR endpoint: never ready, and the log says why', async (t) => {
  const port = await freePort()
  const provider = await startRogueProvider({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, redirectUri: `http://127.0.0.1:${port}/callback` })
  t.teardown(() => provider.close())
  const { app, logs } = await startGateway(t, {
    PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET, OIDC_PAR: 'true'
  }, { waitForProvider: false })
  for (let i = 0; i < 100 && !logs.text.includes('pushed_authorization_request_endpoint'); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(logs.entries().some((line) => line.reason === 'OIDC_PAR=true, but the provider advertises no pushed_authorization_request_endpoint'), 'the reason is logged')
  t.equal(app.oidc.ready, false)
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 503)
  const login = await app.inject({ method: 'GET', url: '/login' })
  t.equal(login.statusCode, 503)
  t.equal(login.json().error, 'provider_unavailable')
})
