import { ConfigError } from '../errors.js'
import { readJsonObject, SHORT_NAME, type Env } from './readers.js'

/** One downstream service mounted at `/api/<name>/*`. */
export interface UpstreamConfig {
  /** Base URL; the path after `/api/<name>` is appended to its path. */
  readonly url: URL
  /** Bound on the upstream's answer: its headers, and each pause in its body. */
  readonly timeoutSeconds: number
  /** Which of the session's tokens goes in `Authorization: Bearer`. */
  readonly token: 'access' | 'id' | 'none'
}

const UPSTREAM_TOKENS = ['access', 'id', 'none'] as const
const UPSTREAMS_EXAMPLE = '{"orders":"http://orders.internal:8080"} or {"orders":{"url":"http://orders.internal:8080/v1","timeout":5,"token":"access"}}'

/**
 * UPSTREAMS: name → base URL, or name → { url, timeout (seconds, default 10),
 * token ("access" by default, "id" or "none") }.
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
    throw new ConfigError(`UPSTREAMS.${name} must be a URL or an object with url, timeout and token`)
  }
  const { url, timeout = 10, token = 'access', ...unknown } = options as Record<string, unknown>
  const unknownKey = Object.keys(unknown)[0]
  if (unknownKey !== undefined) {
    throw new ConfigError(`UPSTREAMS.${name} has an unknown option ${JSON.stringify(unknownKey)} (known: url, timeout, token)`)
  }
  return { url: readUpstreamUrl(name, url), timeoutSeconds: readUpstreamTimeout(name, timeout), token: readUpstreamToken(name, token) }
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
