import { ConfigError } from '../errors.js'
import type { DevelopmentDefaults } from './development.js'
import { readEidConnections } from './claims.js'
import { isLoopbackHost } from './network.js'
import { readClientSecurity, type ClientSecuritySettings } from './oidc-client.js'
import { readAbsoluteUrl, readChoice, readSeconds, readString, type Env } from './readers.js'

/**
 * What the logout redirect tells the provider about the session: `sid`
 * sends `client_id` and the ID token's `sid` as `logout_hint`; `id_token`
 * sends the whole ID token as `id_token_hint`, for providers that need it.
 */
export type LogoutHint = 'sid' | 'id_token'

const LOGOUT_HINTS: readonly LogoutHint[] = ['sid', 'id_token']

export interface OidcConfig extends ClientSecuritySettings {
  /** Unset until the embedded development provider has started (see config/development.ts). */
  readonly issuer: URL | undefined
  readonly clientId: string
  /** Unset only with OIDC_CLIENT_AUTH=private_key_jwt, which needs none. */
  readonly clientSecret: string | undefined
  readonly scope: string
  readonly audience: string | undefined
  readonly acrValues: string | undefined
  readonly eidConnections: Readonly<Record<string, string>>
  readonly redirectUri: string
  readonly postLogoutRedirectUri: string
  readonly backchannelLogoutUri: string
  readonly httpTimeoutSeconds: number
  /** Least time between two JWKS fetches caused by an unknown key id (refetch storms). */
  readonly jwksCooldownSeconds: number
  /** An access token this close to expiry is refreshed before use. */
  readonly refreshMarginSeconds: number
  readonly logoutHint: LogoutHint
}

/** OIDC_ISSUER: https, or plain http on loopback; unset means the embedded provider. */
export function readIssuer (env: Env): URL | undefined {
  const url = readAbsoluteUrl(env, 'OIDC_ISSUER')
  if (url === undefined) return undefined
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigError('OIDC_ISSUER must use https (plain http only for loopback hosts)')
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError('OIDC_ISSUER must not have a query or fragment')
  }
  return url
}

/**
 * The relying party's settings. The client comes from OIDC_CLIENT_ID and
 * OIDC_CLIENT_SECRET with a real issuer, from `development` without one.
 */
export function readOidc (env: Env, baseUrl: URL, issuer: URL | undefined, development: DevelopmentDefaults | undefined): OidcConfig {
  const clientId = development?.clientId ?? requireWithIssuer(env, 'OIDC_CLIENT_ID')
  const security = readClientSecurity(env, issuer !== undefined)
  // A client that signs its assertions has no secret to send.
  const clientSecret = development?.clientSecret ??
    (security.clientAuth === 'private_key_jwt' ? readString(env, 'OIDC_CLIENT_SECRET') : requireWithIssuer(env, 'OIDC_CLIENT_SECRET'))
  const scope = readString(env, 'OIDC_SCOPE') ?? 'openid profile email offline_access'
  if (!scope.split(' ').includes('openid')) {
    throw new ConfigError('OIDC_SCOPE must include openid')
  }
  return {
    issuer,
    clientId,
    clientSecret,
    scope,
    audience: readString(env, 'OIDC_AUDIENCE'),
    acrValues: readString(env, 'OIDC_ACR_VALUES'),
    eidConnections: readEidConnections(env) ?? development?.eidConnections ?? {},
    redirectUri: new URL('/callback', baseUrl).href,
    postLogoutRedirectUri: new URL('/', baseUrl).href,
    backchannelLogoutUri: new URL('/backchannel-logout', baseUrl).href,
    httpTimeoutSeconds: readSeconds(env, 'OIDC_HTTP_TIMEOUT', 10),
    jwksCooldownSeconds: readSeconds(env, 'OIDC_JWKS_COOLDOWN', 30),
    refreshMarginSeconds: readSeconds(env, 'TOKEN_REFRESH_MARGIN', 60),
    logoutHint: readChoice(env, 'OIDC_LOGOUT_HINT', LOGOUT_HINTS, 'sid'),
    ...security
  }
}

function requireWithIssuer (env: Env, name: string): string {
  const value = readString(env, name)
  if (value === undefined) {
    throw new ConfigError(`${name} is required when OIDC_ISSUER is set${name === 'OIDC_CLIENT_SECRET' ? ' (unless OIDC_CLIENT_AUTH=private_key_jwt)' : ''}`)
  }
  return value
}
