import closeWithGrace from 'close-with-grace'
import { loadConfig, withIssuer, type Config } from './config.js'
import { ConfigError } from './errors.js'
import { buildApp } from './app.js'
import type { DevIdp } from './dev-idp/index.js'

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
    const { startDevIdp } = await import('./dev-idp/index.js')
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
      production: config.production
    })
    config = withIssuer(config, new URL(devIdp.issuer))
  }

  const app = await buildApp({ config })
  if (config.session.secretGenerated) {
    app.log.warn('SESSION_SECRET is not set: using a random one, so sessions end when this process stops')
  }
  if (devIdp !== undefined) {
    app.log.warn({ issuer: devIdp.issuer }, 'OIDC_ISSUER is not set: the embedded development provider is running (never in production)')
  }

  // SIGTERM/SIGINT (and an uncaught error): stop accepting, let in-flight
  // requests finish, close Redis and the provider, exit 0; past the grace
  // period the process exits 1 rather than hang an orchestrator's rollout.
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS, logger: false, onTimeout: () => app.log.error('shutdown took too long; exiting') }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ errorName: err.name }, 'unexpected error; shutting down')
    else app.log.info({ signal }, 'shutting down')
    await Promise.all([app.close(), devIdp?.close()])
  })

  await app.listen({ port: config.port, host: config.host })
  app.log.info({ url: new URL('/login?returnTo=/me', config.baseUrl).href }, 'gateway ready: open url in a browser to sign in')
}

main().catch((error: unknown) => {
  process.stderr.write(`The gateway could not start: ${(error as Error).message}\n`)
  process.exit(1)
})
