import closeWithGrace from 'close-with-grace'
import { loadConfig, withIssuer, type Config } from './config.js'
import { ConfigError } from './errors.js'
import { buildApp } from './app.js'
import type { DevIdp } from './dev-idp/index.js'
import { startExampleUpstream, type ExampleUpstream } from './demo/example-upstream.js'

const SHUTDOWN_GRACE_MS = 10_000

async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`)
      process.exit(1)
    }
    throw error
  }

  let devIdp: DevIdp | undefined
  if (config.devIdp !== undefined) {
    // Loaded only here: production installs leave the development provider out.
    const { startDevIdp, DEV_SERVICE_CLIENT } = await import('./dev-idp/index.js')
    const internalAudience = config.internalApi.audience
    devIdp = await startDevIdp({
      host: config.host,
      port: config.devIdp.port,
      publicHostname: config.baseUrl.hostname,
      clientId: config.oidc.clientId,
      clientSecret: config.oidc.clientSecret,
      redirectUris: [config.oidc.redirectUri],
      postLogoutRedirectUris: [config.oidc.postLogoutRedirectUri],
      backchannelLogoutUri: config.oidc.backchannelLogoutUri,
      claimsNamespace: config.claims.namespace ?? '',
      serviceClient: internalAudience === undefined ? undefined : { ...DEV_SERVICE_CLIENT, audience: internalAudience },
      production: config.production
    })
    config = withIssuer(config, new URL(devIdp.issuer))
  }

  // The demo frontend's "Call the API" needs a service behind /api/<name>/*:
  // in development without UPSTREAMS, a small example API on loopback.
  let exampleUpstream: ExampleUpstream | undefined
  if (config.demo && !config.production && Object.keys(config.upstreams).length === 0) {
    exampleUpstream = await startExampleUpstream()
    config = withExampleUpstream(config, new URL(exampleUpstream.url))
  }

  const app = await buildApp({ config })
  if (config.session.secretGenerated) {
    app.log.warn('SESSION_SECRET is not set: using a random one, so sessions end when this process stops')
  }
  if (devIdp !== undefined) {
    app.log.warn({ issuer: devIdp.issuer }, 'OIDC_ISSUER is not set: the embedded development provider is running (never in production)')
  }
  if (exampleUpstream !== undefined) {
    app.log.info({ api: '/api/example', upstream: exampleUpstream.url }, 'UPSTREAMS is not set: the demo\'s example API is mounted')
  }

  // SIGTERM/SIGINT (and an uncaught error): stop accepting, let in-flight
  // requests finish, close Redis and the provider, exit 0; past the grace
  // period the process exits 1 rather than hang an orchestrator's rollout.
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS, logger: false, onTimeout: () => app.log.error('shutdown took too long; exiting') }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ errorName: err.name }, 'unexpected error; shutting down')
    else app.log.info({ signal }, 'shutting down')
    await Promise.all([app.close(), devIdp?.close(), exampleUpstream?.close()])
  })

  await app.listen({ port: config.port, host: config.host })
  const start = config.demo ? '/' : '/login?returnTo=/me'
  app.log.info({ url: new URL(start, config.baseUrl).href }, 'gateway ready: open url in a browser to sign in')
}

/** The config with the example API as the one upstream, at /api/example. */
function withExampleUpstream (config: Config, url: URL): Config {
  const upstreams = Object.freeze({ example: Object.freeze({ url, timeoutSeconds: 10, token: 'access' as const }) })
  return Object.freeze({ ...config, upstreams })
}

main().catch((error: unknown) => {
  process.stderr.write(`The gateway could not start: ${(error as Error).message}\n`)
  process.exit(1)
})
