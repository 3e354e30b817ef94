import t from 'tap'
import { TestBrowser } from '../helpers/test-browser.js'
import { startGateway, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../helpers/gateway.js'
import { freePort } from '../helpers/free-port.js'
import { startRogueProvider, type Behaviour } from '../helpers/rogue-provider.js'

const now = (): number => Math.floor(Date.now() / 1000)

// Relying-party certification cases: every one must end in a 4xx JSON error and no session.
const cases: Array<[string, Behaviour, string]> = [
  ['alg none is refused', { signing: 'none' }, 'id_token_invalid'],
  ['a tampered signature is refused', { signing: 'tampered' }, 'id_token_invalid'],
  ['an unknown kid is refused', { signing: 'unknown-kid' }, 'id_token_invalid'],
  ['the right kid with the wrong key is refused', { signing: 'wrong-key' }, 'id_token_invalid'],
  ['HS256 signed with the public key is refused', { signing: 'hs256-public-key' }, 'id_token_invalid'],
  ['a wrong iss is refused', { claims: { iss: 'https://evil.example' } }, 'id_token_invalid'],
  ['a wrong aud is refused', { claims: { aud: 'someone-else' } }, 'id_token_invalid'],
  ['several audiences without azp are refused', { claims: { aud: [TEST_CLIENT_ID, 'someone-else'] } }, 'id_token_invalid'],
  ['a wrong azp is refused', { claims: { azp: 'someone-else' } }, 'id_token_invalid'],
  ['an expired token is refused', { claims: { exp: now() - 600, iat: now() - 900 } }, 'id_token_invalid'],
  ['iat an hour in the future is refused', { claims: { iat: now() + 3600, exp: now() + 7200 } }, 'id_token_invalid'],
  ['an ID token minted an hour ago is refused', { claims: { iat: now() - 3600 } }, 'id_token_invalid'],
  ['a missing nonce is refused', { claims: { nonce: undefined } }, 'id_token_invalid'],
  ['a wrong nonce is refused', { claims: { nonce: 'not-the-one-we-sent' } }, 'id_token_invalid'],
  ['a missing sub is refused', { claims: { sub: undefined } }, 'id_token_invalid'],
  ['a missing iat is refused', { claims: { iat: undefined } }, 'id_token_invalid']
]

t.test('a misbehaving provider never gets a session created', async (t) => {
  const provider = await startRogueProvider({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET })
  t.teardown(() => provider.close())
  const port = await freePort()
  const gatewayUrl = `http://127.0.0.1:${port}`
  await startGateway(t, { PORT: String(port), BASE_URL: gatewayUrl, OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET })

  /** Login → provider → back to /callback; returns the callback's response and the browser. */
  async function attempt (behaviour: Behaviour): Promise<{ browser: TestBrowser, status: number, body: { error?: string }, callbackUrl: string }> {
    provider.setBehaviour(behaviour)
    const browser = new TestBrowser()
    const login = await browser.get(`${gatewayUrl}/login?returnTo=/home`)
    const authorize = await browser.get(login.location as string)
    const callbackUrl = authorize.location as string
    const callback = await browser.get(callbackUrl)
    const body = callback.status === 302 ? {} : callback.json()
    return { browser, status: callback.status, body, callbackUrl }
  }

  t.test('control: a valid token signs in', async (t) => {
    const { browser, status } = await attempt({})
    t.equal(status, 302)
    const me = await browser.get(`${gatewayUrl}/me`)
    t.equal(me.status, 200)
    t.equal(me.json().sub, 'rogue|user-1')
  })

  for (const [name, behaviour, code] of cases) {
    t.test(name, async (t) => {
      const before = provider.tokenResponses
      const { browser, status, body } = await attempt(behaviour)
      t.equal(provider.tokenResponses, before + 1, 'the token endpoint answered: the case was really tried')
      t.ok(status >= 400 && status < 500, `4xx, got ${status}`)
      t.equal(body.error, code)
      t.equal((await browser.get(`${gatewayUrl}/me`)).status, 401, 'no session')
    })
  }

  t.test('issuer mix-up: a foreign iss in the authorization response is refused before the code is used', async (t) => {
    const before = provider.tokenResponses
    const { browser, status, body } = await attempt({ authorizationIss: 'https://other-provider.example' })
    t.ok(status >= 400 && status < 500, `4xx, got ${status}`)
    t.type(body.error, 'string')
    t.equal(provider.tokenResponses, before, 'the code never reached a token endpoint')
    t.equal((await browser.get(`${gatewayUrl}/me`)).status, 401)
  })

  t.test('a replayed callback is refused before it reaches the provider', async (t) => {
    const { browser, status, callbackUrl } = await attempt({})
    t.equal(status, 302)
    const before = provider.tokenResponses
    const replay = await browser.get(callbackUrl)
    t.equal(replay.status, 400)
    t.equal(replay.json().error, 'invalid_state')
    t.equal(provider.tokenResponses, before)
  })
})
