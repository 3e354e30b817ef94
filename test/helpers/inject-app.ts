import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Env } from '../../src/config/index.js'
import { LogCapture } from './log-capture.js'
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_SECRET } from './constants.js'

interface Teardown { teardown (fn: () => unknown): void }

/**
 * A gateway for app.inject(), pointed at a provider that is not there (a closed
 * loopback port): enough for every route that must not need the provider.
 */
export async function buildTestApp (t: Teardown, env: Env = {}): Promise<{ app: FastifyInstance, logs: LogCapture }> {
  const config = loadConfig({
    OIDC_ISSUER: 'http://127.0.0.1:9',
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    SESSION_SECRET: TEST_SECRET,
    LOG_LEVEL: 'info',
    ...env
  })
  const logs = new LogCapture()
  const app = await buildApp({ config, logStream: logs })
  t.teardown(() => app.close())
  await app.ready()
  return { app, logs }
}
