import { ASSURANCE_LEVELS, type AssuranceLevel } from '../claims/assurance.js'
import { ConfigError } from '../errors.js'
import { readApiToken, type ApiTokenConfig } from './api-tokens.js'
import { readJsonObject, SHORT_NAME, type Env } from './readers.js'

/** One downstream service mounted at `/api/<name>/*`. */
export interface UpstreamConfig {
  /** Base URL; the path after `/api/<name>` is appended to its path. */
  readonly url: URL
  /** Bound on the upstream's answer: its headers, and each pause in its body. */
  readonly timeoutSeconds: number
  /** Which of the session's tokens goes in `Authorization: Bearer`. */
  readonly token: 'access' | 'id' | 'none'
  /** The least eIDAS level the session's login must have reached; undefined: any login. */
  readonly level: AssuranceLevel | undefined
  /** Seconds: how long ago the session's login may have authenticated the person at most; undefined: any time. */
  readonly maxAgeSeconds: number | undefined
  /** A token of the service's own instead of the session's access token; undefined: the session's. */
  readonly apiToken: ApiTokenConfig | undefined
}

const UPSTREAM_TOKENS = ['access', 'id', 'none'] as const
const UPSTREAM_OPTIONS = ['url', 'timeout', 'token', 'level', 'maxAge', 'audience', 'resource', 'scope', 'exchange']
const UPSTREAMS_EXAMPLE = '{"orders":"http://orders.internal:8080"} or {"orders":{"url":"http://orders.internal:8080/v1","timeout":5,"token":"access","level":"high","maxAge":300,"audience":"https://orders.example.com","scope":"orders:read"}}'
/** A year: longer than any session the gateway keeps, so a larger maxAge is a mistake. */
const MAX_AGE_LIMIT = 31_536_000

/**
 * UPSTREAMS: name → base URL, or name → { url, timeout (seconds, default 10),
 * token ("access" by default, "id" or "none"), level (the least eIDAS level
 * of the login: "low", "substantial" or "high"), maxAge (seconds since the
 * person last authenticated, at most), audience or resource (the service's
 * own token: ApiTokenConfig), scope, exchange }.
 */
export function readUpstreams (env: Env): Record<string, UpstreamConfig> {
  const parsed = readJsonObject(env, 'UPSTREAMS', UPSTREAMS_EXAMPLE)
  if (parsed === undefined) return {}
  const upstreams: Record<string, UpstreamConfig> = {}
  for (const [name, entry] of Object.entries(parsed)) {
    if (!SHORT_NAME.test(name)) {
      throw new ConfigError('UPSTREAMS keys must be short lower-case names (a-z, 0-9, - and _): they become /api/<name>/')
    }
    upstreams[name] = readUpstream(name, entry)
  }
  return upstreams
}

function readUpstream (name: string, entry: unknown): UpstreamConfig {
  const options = typeof entry === 'string' ? { url: entry } : entry
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`UPSTREAMS.${name} must be a URL or an object with ${UPSTREAM_OPTIONS.join(', ')}`)
  }
  const { url, timeout = 10, token, level, maxAge, audience, resource, scope, exchange, ...unknown } = options as Record<string, unknown>
  const unknownKey = Object.keys(unknown)[0]
  if (unknownKey !== undefined) {
    throw new ConfigError(`UPSTREAMS.${name} has an unknown option ${JSON.stringify(unknownKey.slice(0, 32))} (known: ${UPSTREAM_OPTIONS.join(', ')})`)
  }
  const apiToken = readApiToken(name, { audience, resource, scope, exchange })
  if (apiToken !== undefined && token !== undefined && token !== 'access') {
    throw new ConfigError(`UPSTREAMS.${name}.token must be access with an audience or resource: the service's own token is an access token`)
  }
  return {
    url: readUpstreamUrl(name, url),
    timeoutSeconds: readUpstreamTimeout(name, timeout),
    token: readUpstreamToken(name, token ?? 'access'),
    level: readUpstreamLevel(name, level),
    maxAgeSeconds: readUpstreamMaxAge(name, maxAge),
    apiToken
  }
}

function readUpstreamUrl (name: string, raw: unknown): URL {
  let url: URL | undefined
  try {
    url = typeof raw === 'string' ? new URL(raw) : undefined
  } catch {}
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(`UPSTREAMS.${name} must have an absolute http or https url without query, fragment or credentials`)
  }
  return url
}

function readUpstreamTimeout (name: string, raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0 || raw > 600) {
    throw new ConfigError(`UPSTREAMS.${name}.timeout must be a number of seconds above 0 and at most 600`)
  }
  return raw
}

function readUpstreamToken (name: string, raw: unknown): UpstreamConfig['token'] {
  if (!UPSTREAM_TOKENS.includes(raw as UpstreamConfig['token'])) {
    throw new ConfigError(`UPSTREAMS.${name}.token must be one of ${UPSTREAM_TOKENS.join(', ')}`)
  }
  return raw as UpstreamConfig['token']
}

function readUpstreamLevel (name: string, raw: unknown): AssuranceLevel | undefined {
  if (raw === undefined) return undefined
  if (!ASSURANCE_LEVELS.includes(raw as AssuranceLevel)) {
    throw new ConfigError(`UPSTREAMS.${name}.level must be one of ${ASSURANCE_LEVELS.join(', ')}`)
  }
  return raw as AssuranceLevel
}

function readUpstreamMaxAge (name: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw <= 0 || raw > MAX_AGE_LIMIT) {
    throw new ConfigError(`UPSTREAMS.${name}.maxAge must be a whole number of seconds above 0 and at most ${MAX_AGE_LIMIT}`)
  }
  return raw
}
