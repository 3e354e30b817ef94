import closeWithGrace from 'close-with-grace'
import { loadConfig, type Config } from './config/index.js'
import { startDevelopment } from './config/development.js'
import { ConfigError } from './errors.js'
import { buildApp } from './app.js'

const SHUTDOWN_GRACE_MS = 10_000

async function main (): Promise<void> {
  let loaded: Config
  try {
    loaded = loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`)
      process.exit(1)
    }
    throw error
  }

  // Before the app, so its first request is traced. Off (no OTEL_* exporter), nothing of OpenTelemetry is even imported.
  const tracing = loaded.tracing.enabled ? (await import('./tracing/sdk.js')).startTracingSdk() : undefined

  // Without OIDC_ISSUER the embedded provider, and for the demo without UPSTREAMS the example API.
  const development = await startDevelopment(loaded)
  const { config } = development
  const app = await buildApp({ config })
  if (tracing !== undefined) {
    tracing.reportTo(app.log.child({ module: 'tracing' }))
    app.log.info({ exporters: config.tracing.exporters }, 'tracing is on: spans go to the exporters the OTEL_* variables configure')
  }
  if (config.session.secretGenerated) {
    app.log.warn('SESSION_SECRET is not set: using a random one, so sessions end when this process stops')
  }
  if (development.issuer !== undefined) {
    app.log.warn({ issuer: development.issuer }, 'OIDC_ISSUER is not set: the embedded development provider is running (never in production)')
  }
  if (development.exampleApiUrl !== undefined) {
    app.log.info({ api: '/api/example', upstream: development.exampleApiUrl }, 'UPSTREAMS is not set: the demo\'s example API is mounted')
  }

  // SIGTERM/SIGINT (and an uncaught error): stop accepting, let in-flight
  // requests finish, close Redis and the provider, flush the spans, exit 0; past the grace
  // period the process exits 1 rather than hang an orchestrator's rollout.
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS, logger: false, onTimeout: () => app.log.error('shutdown took too long; exiting') }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ errorName: err.name }, 'unexpected error; shutting down')
    else app.log.info({ signal }, 'shutting down')
    await Promise.all([app.close(), development.close()])
    // The spans of the last requests are exported once they are over; an unreachable collector does not hold the exit up.
    if (tracing !== undefined && !await tracing.shutdown()) app.log.warn('tracing: spans still queued at shutdown were not all exported')
  })

  await app.listen({ port: config.port, host: config.host })
  const start = config.demo ? '/' : '/login?returnTo=/me'
  app.log.info({ url: new URL(start, config.baseUrl).href }, 'gateway ready: open url in a browser to sign in')
}

main().catch((error: unknown) => {
  process.stderr.write(`The gateway could not start: ${(error as Error).message}\n`)
  process.exit(1)
})
