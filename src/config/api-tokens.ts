import { ConfigError } from '../errors.js'

/**
 * How the gateway gets a service its own access token: the session's refresh
 * token with Auth0's `audience` (Multi-Resource Refresh Token) or an RFC 8707
 * `resource`, or an RFC 8693 token exchange of the session's access token.
 */
export interface ApiTokenConfig {
  /** The token request's parameter that names the service. */
  readonly parameter: 'audience' | 'resource'
  /** The audience or resource: the token's `aud` must name it. */
  readonly target: string
  /** Space-separated scopes to ask for; undefined: whatever the provider grants for the target. */
  readonly scope: string | undefined
  readonly grant: 'refresh_token' | 'token_exchange'
  /** What a cached token was asked with: a token asked otherwise (settings changed) is never sent. */
  readonly key: string
}

/** RFC 6749 §3.3: scope tokens of printable ASCII but space, `"` and `\\`, one space apart. */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/
/** An audience is an identifier of the provider's choosing: printable, no spaces, of a sane length. */
const AUDIENCE = /^[\x21-\x7E]{1,512}$/

/** The service's own token settings; undefined without an audience or resource. */
export function readApiToken (name: string, options: Record<'audience' | 'resource' | 'scope' | 'exchange', unknown>): ApiTokenConfig | undefined {
  const { audience, resource, scope, exchange } = options
  if (audience !== undefined && resource !== undefined) {
    throw new ConfigError(`UPSTREAMS.${name} has both audience and resource: name the service with one (audience for Auth0, resource for RFC 8707)`)
  }
  if (audience === undefined && resource === undefined) {
    const orphan = scope !== undefined ? 'scope' : exchange !== undefined ? 'exchange' : undefined
    if (orphan !== undefined) throw new ConfigError(`UPSTREAMS.${name}.${orphan} needs an audience or a resource to ask the token for`)
    return undefined
  }
  if (scope !== undefined && (typeof scope !== 'string' || !SCOPE.test(scope))) {
    throw new ConfigError(`UPSTREAMS.${name}.scope must be scope names separated by single spaces, such as "orders:read orders:write"`)
  }
  if (exchange !== undefined && typeof exchange !== 'boolean') {
    throw new ConfigError(`UPSTREAMS.${name}.exchange must be true or false`)
  }
  const parameter = audience === undefined ? 'resource' : 'audience'
  const target = parameter === 'audience' ? readAudience(name, audience) : readResource(name, resource)
  const grant = exchange === true ? 'token_exchange' : 'refresh_token'
  return { parameter, target, scope, grant, key: `${grant} ${parameter}=${target} scope=${scope ?? ''}` }
}

function readAudience (name: string, raw: unknown): string {
  if (typeof raw !== 'string' || !AUDIENCE.test(raw)) {
    throw new ConfigError(`UPSTREAMS.${name}.audience must be the API's identifier: up to 512 printable characters without spaces`)
  }
  return raw
}

/** RFC 8707 §2: an absolute URI without a fragment. */
function readResource (name: string, raw: unknown): string {
  let url: URL | undefined
  try {
    url = typeof raw === 'string' && AUDIENCE.test(raw) ? new URL(raw) : undefined
  } catch {}
  if (url === undefined || url.hash !== '' || (raw as string).includes('#')) {
    throw new ConfigError(`UPSTREAMS.${name}.resource must be an absolute URI without a fragment, such as "https://orders.example.com"`)
  }
  return raw as string
}
