import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider, { type KoaContextWithOIDC } from 'oidc-provider'
import { auth0LogoutRoute } from './auth0-logout.js'
import type { GatewayClientOptions, OrganizationOptions } from './client-requirements.js'
import { providerConfiguration, type ServiceClientSettings } from './configuration.js'

export { DEV_SERVICE_CLIENT } from './configuration.js'
import { interactionRoutes } from './interactions.js'
import { generateSigningKey, randomCookieKey } from './keys.js'
import type { ResourceServer } from './resource-servers.js'
import { registerTokenExchange } from './token-exchange.js'

export type { ResourceServer } from './resource-servers.js'

export interface DevIdpOptions {
  /** Listen address, e.g. '127.0.0.1'. */
  host: string
  /** 0 picks any free port. */
  port: number
  /** Hostname in the issuer URL; the listen address by default. */
  publicHostname?: string
  clientId: string
  /** Unset for a gateway that authenticates with private_key_jwt. */
  clientSecret: string | undefined
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  backchannelLogoutUri?: string
  /** Where the stand-in for the Auth0 Action puts its custom claims, e.g. 'https://example.com'. */
  claimsNamespace: string
  /** Seconds; short ones let tests exercise refresh. */
  accessTokenTtl?: number
  rotateRefreshTokens?: boolean
  /** Told of every token request, so tests can count refresh grants. */
  onTokenGrant?: (grant: TokenGrant) => void
  /** A client-credentials client whose JWT access tokens are for this audience (the gateway's service API). */
  serviceClient?: ServiceClientSettings
  /** The gateway client's auth method and keys, PAR, request objects and encryption (./client-requirements.ts). */
  gatewayClient?: GatewayClientOptions
  /** Every login is in this Auth0 organization (`org_id`, `org_name` in the ID token). */
  organization?: OrganizationOptions
  /** Stands for an Auth0 tenant without end-session discovery: no `end_session_endpoint`, Auth0's `/v2/logout`. */
  auth0Logout?: boolean
  /** Told of every back-channel call the gateway makes, and how it authenticated, so tests can see which method reached the provider. */
  onClientCall?: (call: ClientCall) => void
  /** Answer every login with the person's lowest acr, whatever acr_values asked: a downgrade the gateway must refuse. */
  downgradeAcr?: boolean
  /** APIs with JWT access tokens of their own that every login of the gateway reaches by refresh grants with a `resource` (./resource-servers.ts). */
  resourceServers?: ResourceServer[]
  /** The gateway may also exchange its access tokens for theirs (RFC 8693). */
  tokenExchange?: boolean
  /** When true nothing starts: this provider signs in anyone who clicks. */
  production: boolean
  log?: (message: string) => void
}

/** A call to the token, PAR or revocation endpoint, with the status it got and how the client authenticated. */
export interface ClientCall {
  readonly endpoint: 'token' | 'pushed_authorization_request' | 'revocation'
  readonly status: number
  /** Read from the request: an `Authorization: Basic` header, a `client_secret` or a `client_assertion` in the body. */
  readonly auth: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none'
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
    serviceClient: options.serviceClient,
    issuer,
    gatewayClient: options.gatewayClient ?? {},
    organization: options.organization,
    auth0Logout: options.auth0Logout === true,
    resourceServers: options.resourceServers ?? [],
    tokenExchange: options.tokenExchange === true
  }))
  if (options.tokenExchange === true) registerTokenExchange(provider, options.resourceServers ?? [])
  provider.use(interactionRoutes(provider, { downgradeAcr: options.downgradeAcr }))
  if (options.auth0Logout === true) {
    provider.use(auth0LogoutRoute(provider, { clientId: options.clientId, allowedLogoutUrls: options.postLogoutRedirectUris }))
  }
  const onClientCall = options.onClientCall
  if (onClientCall !== undefined) provider.use(reportClientCalls(onClientCall))
  const onTokenGrant = options.onTokenGrant
  if (onTokenGrant !== undefined) {
    provider.on('grant.success', (ctx) => onTokenGrant(tokenGrantOf(ctx, true)))
    provider.on('grant.error', (ctx) => onTokenGrant(tokenGrantOf(ctx, false)))
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

/** A token request as onTokenGrant reports it. */
export interface TokenGrant {
  readonly grantType: string
  readonly ok: boolean
  /** The resource (or a token exchange's audience) it asked for, if any. */
  readonly resource?: string
}

function tokenGrantOf (ctx: KoaContextWithOIDC, ok: boolean): TokenGrant {
  const params = ctx.oidc.params as Record<string, unknown> | undefined
  const resource = params?.resource ?? params?.audience
  return { grantType: String(params?.grant_type), ok, ...(typeof resource === 'string' ? { resource } : {}) }
}

const CLIENT_CALL_PATHS: Readonly<Record<string, ClientCall['endpoint']>> = {
  '/token': 'token',
  '/request': 'pushed_authorization_request',
  '/token/revocation': 'revocation'
}

/**
 * Reports each call to the token, PAR and revocation endpoints once the
 * provider answered it. oidc-provider accepts a secret in either place for
 * both secret methods, so which one the client used is read from the request.
 */
function reportClientCalls (report: (call: ClientCall) => void) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next()
    const endpoint = CLIENT_CALL_PATHS[ctx.path]
    if (endpoint === undefined || ctx.method !== 'POST') return
    const params = (ctx.oidc?.body ?? {}) as Record<string, unknown>
    const auth = /^basic /i.test(ctx.headers.authorization ?? '')
      ? 'client_secret_basic'
      : params.client_assertion !== undefined ? 'private_key_jwt' : params.client_secret !== undefined ? 'client_secret_post' : 'none'
    report({ endpoint, status: ctx.status, auth })
  }
}
