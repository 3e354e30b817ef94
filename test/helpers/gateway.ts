import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config, type Env } from '../../src/config.js'
import { startDevIdp, type DevIdp, type DevIdpOptions } from '../../src/dev-idp/index.js'
import { freePort } from './free-port.js'
import { LogCapture } from './log-capture.js'

import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_NAMESPACE, TEST_SECRET } from './constants.js'

export { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_NAMESPACE, TEST_SECRET }

interface Teardown { teardown (fn: () => unknown): void }

export interface Stack {
  readonly app: FastifyInstance
  readonly config: Config
  readonly gatewayUrl: string
  readonly idp: DevIdp
  readonly logs: LogCapture
}

export interface StackOptions {
  readonly env?: Env
  readonly idp?: Partial<DevIdpOptions>
}

/** The embedded provider and a gateway, each on its own loopback port, closed at teardown. */
export async function startStack (t: Teardown, options: StackOptions = {}): Promise<Stack> {
  const port = await freePort()
  const gatewayUrl = `http://127.0.0.1:${port}`
  const idp = await startTestIdp(t, gatewayUrl, options.idp)
  const { app, config, logs } = await startGateway(t, {
    PORT: String(port),
    BASE_URL: gatewayUrl,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    ...options.env
  })
  return { app, config, gatewayUrl, idp, logs }
}

/** The embedded provider on loopback, with the test client registered for a gateway at `gatewayUrl`. */
export async function startTestIdp (t: Teardown, gatewayUrl: string, overrides: Partial<DevIdpOptions> = {}): Promise<DevIdp> {
  const idp = await startDevIdp({
    host: '127.0.0.1',
    port: 0,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    redirectUris: [`${gatewayUrl}/callback`],
    postLogoutRedirectUris: [`${gatewayUrl}/`],
    backchannelLogoutUri: `${gatewayUrl}/backchannel-logout`,
    claimsNamespace: TEST_NAMESPACE,
    production: false,
    ...overrides
  })
  t.teardown(() => idp.close())
  return idp
}

/** A gateway listening on its configured loopback port; waits for discovery unless told not to. */
export async function startGateway (t: Teardown, env: Env, { waitForProvider = true } = {}): Promise<{ app: FastifyInstance, config: Config, logs: LogCapture }> {
  const config = loadConfig({
    HOST: '127.0.0.1',
    CLAIMS_NAMESPACE: TEST_NAMESPACE,
    EID_CONNECTIONS: '{"itsme":"criipto-itsme"}',
    SESSION_SECRET: TEST_SECRET,
    LOG_LEVEL: 'info',
    OIDC_HTTP_TIMEOUT: '2',
    ...env
  })
  const logs = new LogCapture()
  const app = await buildApp({ config, logStream: logs })
  t.teardown(() => app.close())
  await app.listen({ port: config.port, host: config.host })
  if (waitForProvider) await app.oidc.whenReady()
  return { app, config, logs }
}
