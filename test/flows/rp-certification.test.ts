import { createHash, randomBytes } from 'node:crypto'
import t from 'tap'
import { TestBrowser } from '../helpers/test-browser.js'
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../helpers/gateway.js'
import { startRogueProvider, type Behaviour } from '../helpers/rogue-provider.js'
import { liveSessionCookies, startRogueStack } from '../helpers/rogue-stack.js'

// The OpenID Connect relying-party certification cases an honest provider cannot
// produce: each broken response must end in a 4xx JSON error and no session.

interface RefusedCase { readonly name: string, readonly behaviour: Behaviour, readonly error: string }

/** The provider exchanges the code and hands over a broken ID token. */
const tokenCases: RefusedCase[] = [
  { name: 'alg none is refused', behaviour: { signing: 'none' }, error: 'id_token_invalid' },
  { name: 'a tampered signature is refused', behaviour: { signing: 'tampered-signature' }, error: 'id_token_invalid' },
  { name: 'a payload changed after signing is refused', behaviour: { signing: 'tampered-payload' }, error: 'id_token_invalid' },
  { name: 'an unknown kid is refused', behaviour: { signing: 'unknown-kid' }, error: 'id_token_invalid' },
  { name: 'the right kid with the wrong key is refused', behaviour: { signing: 'wrong-key' }, error: 'id_token_invalid' },
  { name: 'ES256, which the provider never advertised, is refused', behaviour: { signing: 'ec-key' }, error: 'id_token_invalid' },
  { name: 'HS256 keyed with the public key PEM is refused', behaviour: { signing: 'hs256-public-pem' }, error: 'id_token_invalid' },
  { name: 'HS256 keyed with the public JWK is refused', behaviour: { signing: 'hs256-public-jwk' }, error: 'id_token_invalid' },
  { name: 'a wrong iss is refused', behaviour: { claims: { iss: 'https://evil.example' } }, error: 'id_token_invalid' },
  { name: 'a missing iss is refused', behaviour: { claims: { iss: undefined } }, error: 'id_token_invalid' },
  { name: 'a wrong aud is refused', behaviour: { claims: { aud: 'someone-else' } }, error: 'id_token_invalid' },
  { name: 'a missing aud is refused', behaviour: { claims: { aud: undefined } }, error: 'id_token_invalid' },
  { name: 'several audiences without azp are refused', behaviour: { claims: { aud: [TEST_CLIENT_ID, 'someone-else'] } }, error: 'id_token_invalid' },
  { name: 'a wrong azp is refused', behaviour: { claims: { azp: 'someone-else' } }, error: 'id_token_invalid' },
  { name: 'an expired token is refused', behaviour: { claims: (now) => ({ iat: now - 900, exp: now - 600 }) }, error: 'id_token_invalid' },
  { name: 'a missing exp is refused', behaviour: { claims: { exp: undefined } }, error: 'id_token_invalid' },
  { name: 'iat an hour in the future is refused', behaviour: { claims: (now) => ({ iat: now + 3600, exp: now + 7200 }) }, error: 'id_token_invalid' },
  { name: 'iat an hour in the past is refused', behaviour: { claims: (now) => ({ iat: now - 3600 }) }, error: 'id_token_invalid' },
  { name: 'a missing iat is refused', behaviour: { claims: { iat: undefined } }, error: 'id_token_invalid' },
  { name: 'nbf an hour in the future is refused', behaviour: { claims: (now) => ({ nbf: now + 3600 }) }, error: 'id_token_invalid' },
  { name: 'a missing nonce is refused', behaviour: { claims: { nonce: undefined } }, error: 'id_token_invalid' },
  { name: 'a wrong nonce is refused', behaviour: { claims: { nonce: 'not-the-one-we-sent' } }, error: 'id_token_invalid' },
  { name: 'a missing sub is refused', behaviour: { claims: { sub: undefined } }, error: 'id_token_invalid' },
  { name: 'an empty sub is refused', behaviour: { claims: { sub: '' } }, error: 'id_token_invalid' }
]

/**
 * The authorization response itself is wrong (RFC 9207): the code must never
 * reach a token endpoint.
 */
const authorizationResponseCases: RefusedCase[] = [
  { name: 'issuer mix-up: a foreign iss in the authorization response is refused', behaviour: { authorizationIss: 'https://other-provider.example' }, error: 'issuer_mismatch' },
  { name: 'a missing iss is refused when the provider advertises it', behaviour: { authorizationIss: null }, error: 'issuer_mismatch' }
]

/** Deviations that are still valid, so the gateway must not refuse them. */
const acceptedCases: Array<{ readonly name: string, readonly behaviour: Behaviour }> = [
  { name: 'control: an honest provider signs the user in', behaviour: {} },
  { name: 'several audiences with our azp sign in', behaviour: { claims: { aud: [TEST_CLIENT_ID, 'https://api.example'], azp: TEST_CLIENT_ID } } },
  { name: 'a single audience with our azp signs in', behaviour: { claims: { azp: TEST_CLIENT_ID } } }
]


t.test('relying-party certification against a misbehaving provider', async (t) => {
  const { provider, gatewayUrl, attempt, assertNoSession } = await startRogueStack(t)

  for (const { name, behaviour, error } of tokenCases) {
    t.test(name, async (t) => {
      const requests = provider.tokenRequests
      const issued = provider.tokensIssued
      const { browser, callback } = await attempt(t, behaviour)
      // Proves the case was really tried: the gateway got this broken token, it did not fail early.
      t.equal(provider.tokenRequests, requests + 1, 'the token endpoint was called once')
      t.equal(provider.tokensIssued, issued + 1, 'and handed over the broken ID token')
      await assertNoSession(t, browser, callback, error)
    })
  }

  for (const { name, behaviour, error } of authorizationResponseCases) {
    t.test(name, async (t) => {
      const requests = provider.tokenRequests
      const { browser, callbackUrl, callback } = await attempt(t, behaviour)
      t.ok(new URL(callbackUrl).searchParams.has('code'), 'the provider did send a code')
      t.equal(provider.tokenRequests, requests, 'the code never reached the token endpoint')
      await assertNoSession(t, browser, callback, error)
    })
  }

  t.test('a replayed callback is refused before it reaches the provider', async (t) => {
    const requests = provider.tokenRequests
    const issued = provider.tokensIssued
    const { browser, callbackUrl, callback } = await attempt(t, {})
    t.equal(callback.status, 302, 'the first use signs in')
    const signedIn = browser.cookies(gatewayUrl).bff

    const replay = await browser.get(callbackUrl)
    t.equal(replay.status, 400)
    t.equal(replay.json().error, 'invalid_state', 'the login transaction was used up by the first callback')
    t.equal(provider.tokenRequests, requests + 1, 'the replay never reached the token endpoint')
    t.equal(provider.tokensIssued, issued + 1, 'one successful exchange in all')
    t.same(replay.setCookies, [], 'the replay neither replaces nor clears the session')
    t.equal(browser.cookies(gatewayUrl).bff, signedIn)
    t.equal((await browser.get(`${gatewayUrl}/me`)).status, 200, 'the real login is unharmed')
  })

  t.test('a callback URL taken to another browser is refused and leaves the code unspent', async (t) => {
    provider.setBehaviour({})
    const victim = new TestBrowser()
    const login = await victim.get(`${gatewayUrl}/login?returnTo=/home`)
    const callbackUrl = (await victim.get(login.location ?? '')).location ?? ''
    const requests = provider.tokenRequests

    const thief = new TestBrowser()
    const stolen = await thief.get(callbackUrl)
    t.equal(stolen.status, 400)
    t.equal(stolen.json().error, 'invalid_state')
    t.equal(provider.tokenRequests, requests, 'the code never reached the token endpoint')
    t.equal((await thief.get(`${gatewayUrl}/me`)).status, 401)

    const own = await victim.get(callbackUrl)
    t.equal(own.status, 302, 'the browser that started the login still finishes it')
    t.equal(provider.tokenRequests, requests + 1)
    t.equal((await victim.get(`${gatewayUrl}/me`)).status, 200)
  })

  for (const { name, behaviour } of acceptedCases) {
    t.test(name, async (t) => {
      const issued = provider.tokensIssued
      const { browser, callback } = await attempt(t, behaviour)
      t.equal(provider.tokensIssued, issued + 1)
      t.equal(callback.status, 302)
      t.equal(callback.location, `${gatewayUrl}/home`, 'to returnTo')
      t.equal(liveSessionCookies(callback).length, 1, 'a session cookie')
      const me = await browser.get(`${gatewayUrl}/me`)
      t.equal(me.status, 200)
      t.equal(me.json().sub, provider.subject)
    })
  }
})

// openid-client trusts the discovery document's algorithm list; the gateway's
// own check must not: it keeps asymmetric algorithms only, whatever is advertised.
t.test('a provider that advertises none and HS256 still gets neither accepted', async (t) => {
  const { provider, gatewayUrl, attempt, assertNoSession } = await startRogueStack(t, ['none', 'HS256', 'RS256'])
  const cases: RefusedCase[] = [
    { name: 'alg none is refused', behaviour: { signing: 'none' }, error: 'id_token_invalid' },
    { name: 'HS256 keyed with the public key PEM is refused', behaviour: { signing: 'hs256-public-pem' }, error: 'id_token_invalid' },
    { name: 'HS256 keyed with the public JWK is refused', behaviour: { signing: 'hs256-public-jwk' }, error: 'id_token_invalid' }
  ]
  for (const { name, behaviour, error } of cases) {
    t.test(name, async (t) => {
      const issued = provider.tokensIssued
      const { browser, callback } = await attempt(t, behaviour)
      t.equal(provider.tokensIssued, issued + 1, 'the token endpoint handed over the token')
      await assertNoSession(t, browser, callback, error)
    })
  }

  t.test('control: RS256 still signs in', async (t) => {
    const { browser, callback } = await attempt(t, {})
    t.equal(callback.status, 302)
    t.equal((await browser.get(`${gatewayUrl}/me`)).status, 200)
  })
})

// The cases above only mean something if the provider is strict about what the
// gateway sends: then the accepted logins prove client_secret_post, PKCE and
// the redirect URI were right.
t.test('the rogue provider is strict with its relying party', async (t) => {
  const redirectUri = 'http://127.0.0.1:1/callback'
  const provider = await startRogueProvider({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, redirectUri })
  t.teardown(() => provider.close())

  /** Starts an authorization as a relying party would; a `null` override leaves that parameter out. */
  async function authorize (overrides: Record<string, string | null> = {}): Promise<{ response: Response, verifier: string }> {
    const verifier = randomBytes(32).toString('base64url')
    const params: Record<string, string | null> = {
      client_id: TEST_CLIENT_ID,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 's',
      nonce: 'n',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...overrides
    }
    const url = new URL(`${provider.issuer}/authorize`)
    for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value)
    return { response: await fetch(url, { redirect: 'manual' }), verifier }
  }

  async function exchange (code: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number, body: Record<string, unknown> }> {
    const response = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET, ...form })
    })
    return { status: response.status, body: await response.json() as Record<string, unknown> }
  }

  const refusedAuthorizations: Array<[string, Record<string, string | null>]> = [
    ['an unregistered redirect_uri gets no redirect', { redirect_uri: 'https://evil.example/callback' }],
    ['an unknown client gets no redirect', { client_id: 'someone-else' }],
    ['plain PKCE gets no code', { code_challenge_method: 'plain' }],
    ['no PKCE gets no code', { code_challenge: null, code_challenge_method: null }],
    ['a missing nonce gets no code', { nonce: null }],
    ['a scope without openid gets no code', { scope: 'profile' }]
  ]
  for (const [name, overrides] of refusedAuthorizations) {
    t.test(name, async (t) => {
      const { response } = await authorize(overrides)
      t.equal(response.status, 400)
      t.equal(response.headers.get('location'), null)
    })
  }

  const refusedExchanges: Array<[string, (verifier: string) => { form: Record<string, string>, headers?: Record<string, string> }, number, string]> = [
    ['a wrong client secret is invalid_client', (verifier) => ({ form: { code_verifier: verifier, client_secret: 'wrong' } }), 401, 'invalid_client'],
    ['credentials also in a Basic header are invalid_client', (verifier) => ({ form: { code_verifier: verifier }, headers: { authorization: `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}` } }), 401, 'invalid_client'],
    ['a wrong code_verifier is invalid_grant', () => ({ form: { code_verifier: randomBytes(32).toString('base64url') } }), 400, 'invalid_grant'],
    ['a missing code_verifier is invalid_grant', () => ({ form: {} }), 400, 'invalid_grant']
  ]
  for (const [name, request, status, error] of refusedExchanges) {
    t.test(name, async (t) => {
      const { response, verifier } = await authorize()
      const code = new URL(response.headers.get('location') ?? '').searchParams.get('code') ?? ''
      const { form, headers } = request(verifier)
      const result = await exchange(code, form, headers)
      t.equal(result.status, status)
      t.equal(result.body.error, error)
      t.equal(result.body.id_token, undefined)
    })
  }

  t.test('a code works once, then is invalid_grant', async (t) => {
    const issued = provider.tokensIssued
    const { response, verifier } = await authorize()
    const location = new URL(response.headers.get('location') ?? '')
    t.equal(location.searchParams.get('iss'), provider.issuer, 'RFC 9207 iss in the response')
    t.equal(location.searchParams.get('state'), 's')
    const code = location.searchParams.get('code') ?? ''
    const first = await exchange(code, { code_verifier: verifier })
    t.equal(first.status, 200)
    t.type(first.body.id_token, 'string')
    const second = await exchange(code, { code_verifier: verifier })
    t.equal(second.status, 400)
    t.equal(second.body.error, 'invalid_grant')
    t.equal(provider.tokensIssued, issued + 1)
  })
})
