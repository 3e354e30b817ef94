import { errors, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider'
import type { JWK } from 'jose'
import { auth0Discovery, clientSecurityFeatures, gatewayClientMetadata, ORGANIZATION_CLAIMS, organizationClaims, type GatewayClientOptions, type OrganizationOptions } from './client-requirements.js'
import { findIdentity, identityClaimNames, identityClaims, TEST_ACR_VALUES } from './identities.js'
import { errorPage, logoutPage, signedOutPage } from './pages.js'
import { findResourceServer, resourceServerInfo, type ResourceServer } from './resource-servers.js'
import { TOKEN_EXCHANGE } from './token-exchange.js'

export interface ProviderSettings {
  readonly clientId: string
  readonly clientSecret: string | undefined
  readonly redirectUris: readonly string[]
  readonly postLogoutRedirectUris: readonly string[]
  readonly backchannelLogoutUri: string | undefined
  readonly claimsNamespace: string
  readonly accessTokenTtl: number
  readonly rotateRefreshTokens: boolean
  readonly signingKey: JWK
  readonly cookieKey: string
  /** A machine-to-machine client for the gateway's service API, when it is on. */
  readonly serviceClient: ServiceClientSettings | undefined
  readonly issuer: string
  /** The gateway client's auth method and keys, and what the provider requires of it (./client-requirements.ts). */
  readonly gatewayClient: GatewayClientOptions
  /** Every login is in this Auth0 organization. */
  readonly organization: OrganizationOptions | undefined
  /** Logout as an Auth0 tenant without end-session discovery: `/v2/logout`, no `end_session_endpoint`. */
  readonly auth0Logout: boolean
  /** APIs the gateway's logins reach, each with its own JWT access tokens (./resource-servers.ts). */
  readonly resourceServers: readonly ResourceServer[]
  /** The gateway may exchange its access tokens for the resource servers' (RFC 8693, ./token-exchange.ts). */
  readonly tokenExchange: boolean
}

export interface ServiceClientSettings {
  readonly clientId: string
  readonly clientSecret: string
  /** The gateway's INTERNAL_AUDIENCE: the resource its JWT access tokens are for. */
  readonly audience: string
}

/** The development service client's credentials are a development default, kept with the others. */
export { DEV_SERVICE_CLIENT } from '../config/development.js'

/** The scopes the service API understands; a service asks for the ones it needs. */
const SERVICE_SCOPES = 'claims:profile claims:birthdate claims:age claims:address claims:national_number claims:assurance claims:sub sessions:admin'
const SERVICE_TOKEN_TTL_SECONDS = 300

/** oidc-provider settings that make it behave like Auth0 with an itsme connection. */
export function providerConfiguration (settings: ProviderSettings): Configuration {
  const ns = settings.claimsNamespace
  return {
    clients: [...serviceClients(settings.serviceClient), {
      client_id: settings.clientId,
      redirect_uris: [...settings.redirectUris],
      post_logout_redirect_uris: [...settings.postLogoutRedirectUris],
      grant_types: ['authorization_code', 'refresh_token', ...(settings.tokenExchange ? [TOKEN_EXCHANGE] : [])],
      response_types: ['code'],
      ...gatewayClientMetadata(settings.gatewayClient, settings.clientSecret),
      ...(settings.backchannelLogoutUri === undefined
        ? {}
        : { backchannel_logout_uri: settings.backchannelLogoutUri, backchannel_logout_session_required: true })
    }],
    // Several token endpoint auth methods, as Auth0 and Idura offer.
    clientAuthMethods: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    jwks: { keys: [settings.signingKey] },
    cookies: { keys: [settings.cookieKey] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    // The acr values the test people sign in with (acr_values_supported), as Idura names them.
    acrValues: [...TEST_ACR_VALUES],
    claims: {
      // The Auth0 Action's namespaced claims come with every login, like Auth0's.
      // With the authentication's acr, amr and auth_time, and Idura's own claims for its eIDs (identities.ts).
      openid: ['sub', ...identityClaimNames(ns), ...ORGANIZATION_CLAIMS],
      profile: ['name', 'given_name', 'family_name', 'birthdate', 'gender'],
      email: ['email', 'email_verified']
    },
    // Auth0 puts the user's claims in the ID token itself.
    conformIdTokenClaims: false,
    discovery: auth0Discovery(settings.issuer, settings.auth0Logout),
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      backchannelLogout: { enabled: true },
      clientCredentials: { enabled: settings.serviceClient !== undefined },
      resourceIndicators: resourceIndicators(settings.serviceClient, settings.clientId, settings.resourceServers),
      ...clientSecurityFeatures(settings.gatewayClient),
      rpInitiatedLogout: {
        enabled: !settings.auth0Logout,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => { ctx.body = logoutPage(form) },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => { ctx.body = signedOutPage() }
      }
    },
    ttl: {
      // A resource server's tokens live as long as it says (./resource-servers.ts); the login's own as configured.
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? settings.accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 600,
      Session: 24 * 3600,
      Grant: 14 * 24 * 3600
    },
    findAccount: async (_ctx, sub, token) => {
      const identity = findIdentity((candidate) => candidate.sub === sub)
      if (identity === undefined) return undefined
      return { accountId: identity.sub, claims: async () => ({ ...identityClaims(identity, ns, token as { acr?: unknown } | undefined), ...organizationClaims(settings.organization) }) as { sub: string } }
    },
    // First-party client: no consent screen, as with Auth0's "skip consent".
    loadExistingGrant: async (ctx) => {
      const session = ctx.oidc.session
      const client = ctx.oidc.client
      if (session?.accountId === undefined || client === undefined) return undefined
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId)
      if (grantId !== undefined) {
        const existing = await ctx.oidc.provider.Grant.find(grantId)
        if (existing !== undefined) return existing
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId })
      grant.addOIDCScope('openid profile email offline_access')
      grant.addOIDCClaims([...identityClaimNames(ns), ...ORGANIZATION_CLAIMS])
      for (const server of settings.resourceServers) grant.addResourceScope(server.resource, server.scope)
      await grant.save()
      session.grantIdFor(client.clientId, grant.jti)
      return grant
    },
    // Auth0 issues a refresh token for offline_access without prompt=consent.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    // oidc-provider rotates before it checks the resource, so a refused resource would cost the login its refresh token; a grant it will refuse rotates nothing.
    rotateRefreshToken: (ctx) => settings.rotateRefreshTokens && coversResource(ctx.oidc.params?.resource, ctx.oidc.entities.RefreshToken?.resource, settings.resourceServers),
    // oidc-provider refuses outgoing calls to special-use addresses (SSRF
    // protection); this provider's only callee, the gateway, is on loopback.
    fetch: async (url, options) => {
      const { dispatcher: _ssrfGuard, ...rest } = options as RequestInit & { dispatcher?: unknown }
      return await globalThis.fetch(url, isLoopbackUrl(url instanceof Request ? url.url : url) ? rest : options)
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html'
      ctx.body = errorPage('Sign-in error', `${String(out.error ?? 'error')}: ${String(out.error_description ?? '')}`)
    }
  }
}

function serviceClients (service: ServiceClientSettings | undefined): ClientMetadata[] {
  if (service === undefined) return []
  return [{
    client_id: service.clientId,
    client_secret: service.clientSecret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic'
  }]
}

/**
 * Client-credentials tokens of the service client are JWTs for the gateway's
 * internal audience, as an Auth0 API with a machine-to-machine application
 * issues them. The gateway's logins cover every resource server, as an Auth0
 * application's refresh-token policies (Multi-Resource Refresh Tokens) let
 * its refresh token reach their APIs without the login naming them: a
 * refresh grant with one `resource` gets that server's JWT, and without one
 * the login's own opaque access token. Any other client or resource is refused.
 */
function resourceIndicators (service: ServiceClientSettings | undefined, gatewayClientId: string, servers: readonly ResourceServer[]): NonNullable<Configuration['features']>['resourceIndicators'] {
  return {
    enabled: service !== undefined || servers.length > 0,
    defaultResource: async (_ctx, client, oneOf) => {
      if (client.clientId === service?.clientId) return oneOf ?? service.audience
      // Only at the authorization endpoint: at the token endpoint, no resource asked is none given.
      return oneOf === undefined && client.clientId === gatewayClientId && servers.length > 0 ? servers.map((server) => server.resource) : undefined
    },
    useGrantedResource: async () => false,
    getResourceServerInfo: async (_ctx, resource, client) => {
      if (service !== undefined && client.clientId === service.clientId && resource === service.audience) {
        return { scope: SERVICE_SCOPES, audience: service.audience, accessTokenFormat: 'jwt', accessTokenTTL: SERVICE_TOKEN_TTL_SECONDS }
      }
      if (client.clientId !== gatewayClientId) throw new errors.InvalidTarget()
      return resourceServerInfo(findResourceServer(servers, resource))
    }
  }
}

/** Whether a refresh grant asks for no resource, or for one of the servers that its refresh token covers. */
function coversResource (asked: unknown, covered: string | string[] | undefined, servers: readonly ResourceServer[]): boolean {
  if (asked === undefined) return true
  return typeof asked === 'string' && [covered ?? []].flat().includes(asked) && servers.some((server) => server.resource === asked)
}

function isLoopbackUrl (url: string | URL): boolean {
  const { hostname } = new URL(url)
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.')
}
