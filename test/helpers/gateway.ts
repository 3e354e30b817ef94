import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config, type Env } from '../../src/config/index.js'
import { providerRegistration, startDevelopment, type Development } from '../../src/config/development.js'
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

/** What every test gateway shares; a test's own variables come on top. */
const TEST_ENV: Env = {
  HOST: '127.0.0.1',
  CLAIMS_NAMESPACE: TEST_NAMESPACE,
  EID_CONNECTIONS: '{"itsme":"criipto-itsme"}',
  SESSION_SECRET: TEST_SECRET,
  LOG_LEVEL: 'info',
  OIDC_HTTP_TIMEOUT: '2'
}

/** A test gateway's config: the test client at `issuer`, listening behind `gatewayUrl`. */
function testConfig (gatewayUrl: string, issuer: string, env: Env = {}): Config {
  return loadConfig({
    ...TEST_ENV,
    PORT: new URL(gatewayUrl).port,
    BASE_URL: gatewayUrl,
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    ...env
  })
}

/**
 * The embedded provider and a gateway, each on its own loopback port, closed
 * at teardown. The provider registers the gateway as the server's embedded
 * provider does (config/development.ts): its client, its URIs, its claims
 * namespace, and the service client when INTERNAL_AUDIENCE is set.
 */
export async function startStack (t: Teardown, options: StackOptions = {}): Promise<Stack> {
  const [port, idpPort] = [await freePort(), await freePort()]
  const gatewayUrl = `http://127.0.0.1:${port}`
  const config = testConfig(gatewayUrl, `http://127.0.0.1:${idpPort}`, options.env)
  const idp = await startProviderFor(t, config, { ...options.idp, port: idpPort })
  const { app, logs } = await listen(t, config)
  return { app, config, gatewayUrl, idp, logs }
}

/** The embedded provider on loopback, with the test client registered for a test gateway at `gatewayUrl`. */
export async function startTestIdp (t: Teardown, gatewayUrl: string, overrides: Partial<DevIdpOptions> = {}): Promise<DevIdp> {
  const port = overrides.port ?? await freePort()
  return await startProviderFor(t, testConfig(gatewayUrl, `http://127.0.0.1:${port}`), { ...overrides, port })
}

/** The embedded provider on loopback, with `gateway`'s client registered; it stands for a real provider, so never in production mode. */
async function startProviderFor (t: Teardown, gateway: Config, options: Partial<DevIdpOptions> & { port: number }): Promise<DevIdp> {
  const idp = await startDevIdp({ ...providerRegistration(gateway), host: '127.0.0.1', production: false, ...options })
  t.teardown(() => idp.close())
  return idp
}

/** A gateway listening on its configured loopback port; waits for discovery unless told not to. */
export async function startGateway (t: Teardown, env: Env, { waitForProvider = true } = {}): Promise<{ app: FastifyInstance, config: Config, logs: LogCapture }> {
  const config = loadConfig({ ...TEST_ENV, ...env })
  return { config, ...await listen(t, config, waitForProvider) }
}

/**
 * A gateway as `npm start` runs one on a fresh clone: nothing set but where
 * it listens, the development defaults started by startDevelopment.
 */
export async function startDevelopmentGateway (t: Teardown, env: Env = {}): Promise<{ app: FastifyInstance, development: Development, gatewayUrl: string, logs: LogCapture }> {
  const port = await freePort()
  const gatewayUrl = `http://127.0.0.1:${port}`
  const development = await startDevelopment(loadConfig({ HOST: '127.0.0.1', PORT: String(port), BASE_URL: gatewayUrl, DEV_IDP_PORT: '0', ...env }))
  t.teardown(() => development.close())
  const { app, logs } = await listen(t, development.config)
  return { app, development, gatewayUrl, logs }
}

async function listen (t: Teardown, config: Config, waitForProvider = true): Promise<{ app: FastifyInstance, logs: LogCapture }> {
  const logs = new LogCapture()
  const app = await buildApp({ config, logStream: logs })
  t.teardown(() => app.close())
  await app.listen({ port: config.port, host: config.host })
  if (waitForProvider) await app.oidc.whenReady()
  return { app, logs }
}
