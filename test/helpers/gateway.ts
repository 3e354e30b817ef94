import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config, type Env } from '../../src/config.js'
import { startDevIdp, type DevIdp, type DevIdpOptions } from '../../src/dev-idp/index.js'
import { freePort } from './free-port.js'
import { LogCapture } from './log-capture.js'

import { TEST_NAMESPACE, TEST_SECRET } from './constants.js'

export { TEST_NAMESPACE, TEST_SECRET }

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
  const clientSecret = 'test-client-secret'
  const idp = await startDevIdp({
    host: '127.0.0.1',
    port: 0,
    clientId: 'bff-test',
    clientSecret,
    redirectUris: [`${gatewayUrl}/callback`],
    postLogoutRedirectUris: [`${gatewayUrl}/`],
    backchannelLogoutUri: `${gatewayUrl}/backchannel-logout`,
    claimsNamespace: TEST_NAMESPACE,
    production: false,
    ...options.idp
  })
  t.teardown(() => idp.close())
  const { app, config, logs } = await startGateway(t, {
    PORT: String(port),
    BASE_URL: gatewayUrl,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: 'bff-test',
    OIDC_CLIENT_SECRET: clientSecret,
    ...options.env
  })
  return { app, config, gatewayUrl, idp, logs }
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
