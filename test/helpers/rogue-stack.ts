import type { Test } from 'tap'
import { TestBrowser, type TestResponse } from './test-browser.js'
import { startGateway, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from './gateway.js'
import { freePort } from './free-port.js'
import { startRogueProvider, type Behaviour, type RogueProvider } from './rogue-provider.js'
import type { Env } from '../../src/config/index.js'
import type { FastifyInstance } from 'fastify'

interface Tap { teardown (fn: () => unknown): void }
/** The assertions the shared steps make, on whichever subtest runs them. */
export type Assert = Pick<Test, 'equal' | 'ok' | 'same'>

export interface Attempt { readonly browser: TestBrowser, readonly callbackUrl: string, readonly callback: TestResponse }

export interface RogueStack {
  readonly provider: RogueProvider
  readonly gatewayUrl: string
  readonly app: FastifyInstance
  /** Every hop of a login in a fresh browser, asserted: /login → /authorize → back to /callback. */
  attempt (t: Assert, behaviour: Behaviour, browser?: TestBrowser): Promise<Attempt>
  /** The callback was a 4xx JSON error with this code, and these cookies carry no session. */
  assertNoSession (t: Assert, browser: TestBrowser, callback: TestResponse, error: string): Promise<void>
}

/** A session cookie that a browser would keep: named like ours, with a value, not already expired. */
export function liveSessionCookies (response: TestResponse): string[] {
  return response.setCookies.filter((line) => /^bff=[^;]+/.test(line) && !/max-age=0|expires=thu, 01 jan 1970/i.test(line))
}

/** A rogue provider and a gateway that trusts it, both on loopback, closed at teardown. */
export async function startRogueStack (t: Tap, advertisedAlgorithms?: readonly string[], env: Env = {}): Promise<RogueStack> {
  const port = await freePort()
  const gatewayUrl = `http://127.0.0.1:${port}`
  const provider = await startRogueProvider({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, redirectUri: `${gatewayUrl}/callback`, advertisedAlgorithms })
  t.teardown(() => provider.close())
  const { app } = await startGateway(t, { PORT: String(port), BASE_URL: gatewayUrl, OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET, ...env })

  return {
    provider,
    gatewayUrl,
    app,
    async attempt (t, behaviour, browser = new TestBrowser()) {
      provider.setBehaviour(behaviour)
      const login = await browser.get(`${gatewayUrl}/login?returnTo=/home`)
      t.equal(login.status, 302, 'the login redirects')
      const authorizeUrl = new URL(login.location ?? gatewayUrl)
      t.equal(`${authorizeUrl.origin}${authorizeUrl.pathname}`, `${provider.issuer}/authorize`, 'to the provider')
      const authorize = await browser.get(authorizeUrl)
      t.equal(authorize.status, 302, 'the provider answers at once')
      const callbackUrl = authorize.location ?? ''
      t.ok(callbackUrl.startsWith(`${gatewayUrl}/callback?`), 'back to the gateway')
      return { browser, callbackUrl, callback: await browser.get(callbackUrl) }
    },
    async assertNoSession (t, browser, callback, error) {
      t.equal(callback.status, 400, 'a 400, not a 5xx or a redirect')
      const json = /^application\/json/.test(callback.headers.get('content-type') ?? '')
      t.ok(json, 'a JSON body')
      const body: Record<string, unknown> = json ? callback.json() : {}
      t.same(Object.keys(body).sort(), ['error', 'message'])
      t.equal(body.error, error)
      t.same(liveSessionCookies(callback), [], 'no session cookie is set')
      const me = await browser.get(`${gatewayUrl}/me`)
      t.equal(me.status, 401, 'no session with these cookies')
      t.equal(me.json().error, 'unauthenticated')
    }
  }
}
