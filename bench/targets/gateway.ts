/*
 * The gateway as `npm start` runs it, on loopback, in a process of its own,
 * signing in against the embedded provider in another (targets/provider.ts).
 * Counts forbidden per-request work (see lib/counters.ts) and, asked with a
 * session cookie, reports what the cookie and the stored session hold.
 */
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { countCalls, countProfileStringifies, countServerRequests, countSyncCrypto, readCounts, resetCounts } from '../lib/counters.js'
import { childArgs, failStart, serveParent, type Message } from '../lib/ipc.js'

export interface GatewayArgs {
  readonly port: number
  readonly issuer: string
  readonly store: 'memory' | 'redis'
  readonly redisUrl?: string
  readonly upstreamUrl?: string
  readonly logLevel?: string
  /**
   * OTEL_* variables that turn tracing on: set in this process's environment,
   * where the SDK reads them, and given to the configuration, which decides.
   * The SDK starts before the gateway, as src/server.ts starts it.
   */
  readonly otel?: Record<string, string>
}

countSyncCrypto()
countProfileStringifies()
const { buildApp } = await import('../../src/app.js')
const { loadConfig } = await import('../../src/config/index.js')
const { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_NAMESPACE, TEST_SECRET } = await import('../../test/helpers/constants.js')

const args = childArgs<GatewayArgs>()
const closers: Array<() => unknown> = []
try {
  if (args.otel !== undefined) {
    Object.assign(process.env, args.otel)
    const { startTracingSdk } = await import('../../src/tracing/sdk.js')
    const sdk = startTracingSdk()
    closers.push(async () => await sdk.shutdown())
  }
  const gatewayUrl = `http://127.0.0.1:${args.port}`
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: String(args.port),
    BASE_URL: gatewayUrl,
    OIDC_ISSUER: args.issuer,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    CLAIMS_NAMESPACE: TEST_NAMESPACE,
    EID_CONNECTIONS: '{"itsme":"criipto-itsme"}',
    SESSION_SECRET: TEST_SECRET,
    LOG_LEVEL: args.logLevel ?? 'warn',
    // The login scenario signs in far faster than a person would.
    RATE_LIMIT_LOGIN: '1000000',
    SESSION_STORE: args.store,
    ...(args.redisUrl === undefined ? {} : { REDIS_URL: args.redisUrl, REDIS_KEY_PREFIX: `bench:${randomBytes(4).toString('hex')}:` }),
    ...(args.upstreamUrl === undefined ? {} : { UPSTREAMS: JSON.stringify({ up: args.upstreamUrl }) }),
    // The /auth scenario: what a typical app behind nginx gets, a pairwise user id and a name.
    FORWARD_AUTH: JSON.stringify({ '/app/': { headers: ['user', 'name', 'email'] } }),
    ...args.otel
  })
  const app = await buildApp({ config, logStream: new Writable({ write: (_chunk, _encoding, done) => done() }) })
  closers.push(() => app.close())
  countCalls(app.sessionStore, ['get', 'create', 'update', 'destroy'])
  await app.listen({ port: config.port, host: config.host })
  await app.oidc.whenReady()
  countServerRequests()

  serveParent({ url: gatewayUrl, cookieName: config.session.cookieName, tracing: config.tracing.enabled }, {
    reset: () => resetCounts(),
    counters: () => readCounts(),
    /** What the signed session cookie is made of, and what the store keeps behind it. */
    inspect: async (message: Message) => {
      const value = String(message.cookieValue)
      const id = value.slice(0, value.lastIndexOf('.'))
      const data = await app.sessionStore.get(id)
      const tokens = data?.user?.tokens
      const secrets = [tokens?.accessToken, tokens?.idToken, tokens?.refreshToken].filter((token): token is string => token !== undefined)
      return {
        found: data !== undefined,
        tokenCount: secrets.length,
        // Any 16-character piece of a token in the cookie counts as a leak.
        cookieHoldsToken: secrets.some((token) => pieces(token).some((piece) => value.includes(piece))),
        // A session user's own JSON form is only its revision (src/sessions/session-user.ts): its fields, as a store writes them.
        sessionJson: JSON.stringify(data === undefined ? undefined : { ...data, user: data.user === undefined ? undefined : { ...data.user } })
      }
    }
  }, async () => {
    for (const close of closers.reverse()) await close()
  })
} catch (error) {
  failStart(error)
}

function pieces (text: string, size = 16): string[] {
  const result: string[] = []
  for (let i = 0; i + size <= text.length; i += size) result.push(text.slice(i, i + size))
  return result
}
