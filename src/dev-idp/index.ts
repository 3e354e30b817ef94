import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import { providerConfiguration, type ServiceClientSettings } from './configuration.js'

export { DEV_SERVICE_CLIENT } from './configuration.js'
import { interactionRoutes } from './interactions.js'
import { generateSigningKey, randomCookieKey } from './keys.js'

export interface DevIdpOptions {
  /** Listen address, e.g. '127.0.0.1'. */
  host: string
  /** 0 picks any free port. */
  port: number
  /** Hostname in the issuer URL; the listen address by default. */
  publicHostname?: string
  clientId: string
  clientSecret: string
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  backchannelLogoutUri?: string
  /** Where the stand-in for the Auth0 Action puts its custom claims, e.g. 'https://example.com'. */
  claimsNamespace: string
  /** Seconds; short ones let tests exercise refresh. */
  accessTokenTtl?: number
  rotateRefreshTokens?: boolean
  /** Told of every token request, so tests can count refresh grants. */
  onTokenGrant?: (grant: { grantType: string, ok: boolean }) => void
  /** A client-credentials client whose JWT access tokens are for this audience (the gateway's service API). */
  serviceClient?: ServiceClientSettings
  /** When true nothing starts: this provider signs in anyone who clicks. */
  production: boolean
  log?: (message: string) => void
}

export interface DevIdp {
  readonly issuer: string
  close (): Promise<void>
}

/** Starts the embedded development OpenID provider on its own HTTP server. */
export async function startDevIdp (options: DevIdpOptions): Promise<DevIdp> {
  if (options.production) {
    throw new Error('The embedded development identity provider never runs in production')
  }
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const hostname = options.publicHostname ?? options.host
  const issuer = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`

  const provider = new Provider(issuer, providerConfiguration({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUris: options.redirectUris,
    postLogoutRedirectUris: options.postLogoutRedirectUris,
    backchannelLogoutUri: options.backchannelLogoutUri,
    claimsNamespace: options.claimsNamespace,
    accessTokenTtl: options.accessTokenTtl ?? 3600,
    rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    signingKey: await generateSigningKey(),
    cookieKey: randomCookieKey(),
    serviceClient: options.serviceClient
  }))
  provider.use(interactionRoutes(provider))
  const onTokenGrant = options.onTokenGrant
  if (onTokenGrant !== undefined) {
    provider.on('grant.success', (ctx) => onTokenGrant({ grantType: String(ctx.oidc.params?.grant_type), ok: true }))
    provider.on('grant.error', (ctx) => onTokenGrant({ grantType: String(ctx.oidc.params?.grant_type), ok: false }))
  }
  provider.on('server_error', (_ctx, error) => options.log?.(`development provider error: ${error.name}`))
  provider.on('backchannel.error', (_client, error) => options.log?.(`back-channel logout delivery failed: ${error.message}`))
  server.on('request', provider.callback())
  options.log?.(`development provider listening at ${issuer}`)

  return {
    issuer,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
