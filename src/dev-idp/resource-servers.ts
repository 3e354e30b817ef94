import { errors, type ResourceServer as ResourceServerInfo } from 'oidc-provider'

/** An API the gateway's logins may get tokens for, as an Auth0 API or an RFC 8707 resource server. */
export interface ResourceServer {
  /** Its resource indicator (RFC 8707), and the `aud` of its tokens. */
  readonly resource: string
  /** The space-separated scopes it understands. */
  readonly scope: string
  /** Seconds; 300 by default. */
  readonly accessTokenTtl?: number
}

const DEFAULT_TTL_SECONDS = 300

/** JWT access tokens for the resource (RFC 9068), its `aud` the resource itself. */
export function resourceServerInfo (server: ResourceServer): ResourceServerInfo {
  return { scope: server.scope, audience: server.resource, accessTokenFormat: 'jwt', accessTokenTTL: server.accessTokenTtl ?? DEFAULT_TTL_SECONDS }
}

/** The resource server named `resource`, or the provider's `invalid_target`. */
export function findResourceServer (servers: readonly ResourceServer[], resource: unknown): ResourceServer {
  const server = servers.find((candidate) => candidate.resource === resource)
  if (server === undefined) throw new errors.InvalidTarget()
  return server
}
