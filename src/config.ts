import { randomBytes } from 'node:crypto'
import { ConfigError } from './errors.js'
import { sessionCookie } from './sessions/session-cookie.js'

export type Env = Readonly<Record<string, string | undefined>>

export interface OidcConfig {
  /** Unset until the embedded development provider has started (see `withIssuer`). */
  readonly issuer: URL | undefined
  readonly clientId: string
  readonly clientSecret: string
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
  /**
   * What the logout redirect tells the provider about the session: `sid`
   * sends `client_id` and the ID token's `sid` as `logout_hint`; `id_token`
   * sends the whole ID token as `id_token_hint`, for providers that need it.
   */
  readonly logoutHint: LogoutHint
}

export type LogoutHint = 'sid' | 'id_token'

/** A listener of its own for `/metrics` (METRICS_PORT), away from the public one. */
export interface MetricsListenerConfig {
  readonly port: number
  readonly host: string
}

export interface RedisHost { readonly host: string, readonly port: number }

export interface SessionConfig {
  /** The first signs; all verify (rotation). */
  readonly secrets: readonly string[]
  readonly secretGenerated: boolean
  readonly store: 'memory' | 'redis'
  readonly redisUrl: URL
  /** Prefix of every key the gateway writes, so several deployments can share one Redis. */
  readonly redisKeyPrefix: string
  /** With these, REDIS_URL only gives credentials, TLS and database; the primary is found through Sentinel. */
  readonly redisSentinels: readonly RedisHost[] | undefined
  readonly redisSentinelName: string
  readonly redisSentinelPassword: string | undefined
  /** With these, the store talks to a Redis Cluster; REDIS_URL only gives credentials and TLS. */
  readonly redisClusterNodes: readonly RedisHost[] | undefined
  readonly idleTimeoutSeconds: number
  readonly maxAgeSeconds: number
  readonly maxEntries: number
  readonly cookieName: string
  readonly secureCookie: boolean
}

/** One downstream service mounted at `/api/<name>/*`. */
export interface UpstreamConfig {
  /** Base URL; the path after `/api/<name>` is appended to its path. */
  readonly url: URL
  /** Bound on the upstream's answer: its headers, and each pause in its body. */
  readonly timeoutSeconds: number
  /** Which of the session's tokens goes in `Authorization: Bearer`. */
  readonly token: 'access' | 'id' | 'none'
}

/** The service-to-service claims API (`/internal/users/:sub/claims`); off without an audience. */
export interface InternalApiConfig {
  readonly audience: string | undefined
  /** How long a login's claims stay in the claims directory. */
  readonly claimsTtlSeconds: number
}

/** Requests per minute: per client address for the browser routes, per calling service for /internal. */
export interface RateLimits {
  readonly login: number
  readonly backchannelLogout: number
  readonly internal: number
}

export interface Config {
  readonly production: boolean
  readonly port: number
  readonly host: string
  readonly baseUrl: URL
  /** Fastify's trustProxy: which hops may set X-Forwarded-* (protocol and client address). */
  readonly trustProxy: boolean | string
  readonly oidc: OidcConfig
  /** Present when no OIDC_ISSUER is set: the embedded development provider runs on this port. */
  readonly devIdp: { readonly port: number } | undefined
  readonly claims: { readonly namespace: string | undefined }
  readonly session: SessionConfig
  readonly rateLimits: RateLimits
  readonly upstreams: Readonly<Record<string, UpstreamConfig>>
  readonly internalApi: InternalApiConfig
  /** When set, `/metrics` answers only requests that carry it as a bearer token. */
  readonly metricsToken: string | undefined
  /** When set, `/metrics` is served there only, and the main listener answers 404 for it. */
  readonly metricsListener: MetricsListenerConfig | undefined
  /** The demo frontend at `/` (DEMO); on outside production unless DEMO=false. */
  readonly demo: boolean
  readonly logLevel: string
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const EID_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/
const DEV_CLIENT_ID = 'bff-dev'
/** The audience of service tokens the embedded provider mints for its development service client. */
export const DEV_INTERNAL_AUDIENCE = 'urn:eid-bff:internal'
const UPSTREAM_TOKENS = ['access', 'id', 'none'] as const
const LOGOUT_HINTS: readonly LogoutHint[] = ['sid', 'id_token']
/** The namespace the embedded provider's stand-in for the Auth0 Action uses. */
export const DEV_CLAIMS_NAMESPACE = 'https://example.com'

/**
 * Parses the contract's environment variables into a frozen, typed Config.
 * Throws a ConfigError naming the first bad variable; never echoes a secret.
 */
export function loadConfig (env: Env): Config {
  const production = env.NODE_ENV === 'production'
  const port = readPort(env, 'PORT', 3000)
  const host = readString(env, 'HOST') ?? '127.0.0.1'
  const baseUrl = readBaseUrl(env, port, production)
  const issuer = readIssuer(env)
  if (issuer === undefined && production) {
    throw new ConfigError('OIDC_ISSUER is required when NODE_ENV=production: the embedded development provider never runs in production')
  }
  const session = readSessionConfig(env, baseUrl, production)
  const config: Config = {
    production,
    port,
    host,
    baseUrl,
    trustProxy: readTrustProxy(env, baseUrl, production),
    oidc: {
      issuer,
      clientId: issuer === undefined ? DEV_CLIENT_ID : requireString(env, 'OIDC_CLIENT_ID'),
      clientSecret: issuer === undefined ? randomBytes(24).toString('base64url') : requireString(env, 'OIDC_CLIENT_SECRET'),
      scope: readString(env, 'OIDC_SCOPE') ?? 'openid profile email offline_access',
      audience: readString(env, 'OIDC_AUDIENCE'),
      acrValues: readString(env, 'OIDC_ACR_VALUES'),
      // The embedded provider stands for Auth0 with a connection named itsme.
      eidConnections: readEidConnections(env) ?? (issuer === undefined ? { itsme: 'itsme' } : {}),
      redirectUri: new URL('/callback', baseUrl).href,
      postLogoutRedirectUri: new URL('/', baseUrl).href,
      backchannelLogoutUri: new URL('/backchannel-logout', baseUrl).href,
      httpTimeoutSeconds: readSeconds(env, 'OIDC_HTTP_TIMEOUT', 10),
      jwksCooldownSeconds: readSeconds(env, 'OIDC_JWKS_COOLDOWN', 30),
      refreshMarginSeconds: readSeconds(env, 'TOKEN_REFRESH_MARGIN', 60),
      logoutHint: readLogoutHint(env)
    },
    devIdp: issuer === undefined ? { port: readPort(env, 'DEV_IDP_PORT', port === 0 ? 0 : port + 1) } : undefined,
    claims: { namespace: readNamespace(env) ?? (issuer === undefined ? DEV_CLAIMS_NAMESPACE : undefined) },
    session,
    rateLimits: {
      login: readSeconds(env, 'RATE_LIMIT_LOGIN', 120, 'a positive whole number of requests per minute'),
      backchannelLogout: readSeconds(env, 'RATE_LIMIT_BACKCHANNEL', 600, 'a positive whole number of requests per minute'),
      internal: readSeconds(env, 'RATE_LIMIT_INTERNAL', 1200, 'a positive whole number of requests per minute')
    },
    upstreams: readUpstreams(env),
    internalApi: {
      // The embedded provider mints service tokens for this audience, so the API works on a fresh clone.
      audience: readString(env, 'INTERNAL_AUDIENCE') ?? (issuer === undefined ? DEV_INTERNAL_AUDIENCE : undefined),
      claimsTtlSeconds: readSeconds(env, 'CLAIMS_TTL', session.maxAgeSeconds)
    },
    metricsToken: readMetricsToken(env),
    metricsListener: readMetricsListener(env, port, host),
    demo: readBoolean(env, 'DEMO') ?? !production,
    logLevel: readLogLevel(env)
  }
  if (!config.oidc.scope.split(' ').includes('openid')) {
    throw new ConfigError('OIDC_SCOPE must include openid')
  }
  // The metrics name every route and count every login: not for whoever reaches the public port.
  if (production && config.metricsToken === undefined && config.metricsListener === undefined) {
    throw new ConfigError('METRICS_PORT or METRICS_TOKEN is required when NODE_ENV=production: set METRICS_PORT to serve /metrics on a port of its own that only Prometheus reaches (e.g. 9464), or METRICS_TOKEN to a bearer token for it (e.g. openssl rand -hex 32)')
  }
  return deepFreeze(config)
}

/** The config once the embedded provider listens: its issuer and the client it registered. */
export function withIssuer (config: Config, issuer: URL): Config {
  return deepFreeze({ ...config, oidc: { ...config.oidc, issuer } })
}

export function isLoopbackHost (hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

function readSessionConfig (env: Env, baseUrl: URL, production: boolean): SessionConfig {
  const rawSecret = readString(env, 'SESSION_SECRET')
  if (rawSecret === undefined && production) {
    throw new ConfigError('SESSION_SECRET is required when NODE_ENV=production (at least 32 characters)')
  }
  const secrets = rawSecret === undefined
    ? [randomBytes(32).toString('base64url')]
    : rawSecret.split(',').map((s) => s.trim())
  if (secrets.some((s) => s.length < 32)) {
    throw new ConfigError('SESSION_SECRET must be at least 32 characters (each one, when a comma-separated list)')
  }
  if (production && secrets.some(isGuessableSecret)) {
    throw new ConfigError('SESSION_SECRET looks like a placeholder or has too little variety; generate one, e.g. with: openssl rand -base64 48')
  }
  const store = readString(env, 'SESSION_STORE') ?? 'memory'
  if (store !== 'memory' && store !== 'redis') {
    throw new ConfigError('SESSION_STORE must be memory or redis')
  }
  const idleTimeoutSeconds = readSeconds(env, 'SESSION_IDLE_TIMEOUT', 1800)
  const maxAgeSeconds = readSeconds(env, 'SESSION_MAX_AGE', 28800)
  if (idleTimeoutSeconds > maxAgeSeconds) {
    throw new ConfigError('SESSION_IDLE_TIMEOUT must not be longer than SESSION_MAX_AGE')
  }
  const secureCookie = baseUrl.protocol === 'https:'
  return {
    secrets,
    secretGenerated: rawSecret === undefined,
    store,
    redisUrl: readRedisUrl(env),
    redisKeyPrefix: readString(env, 'REDIS_KEY_PREFIX') ?? 'bff:',
    ...readRedisTopology(env),
    idleTimeoutSeconds,
    maxAgeSeconds,
    maxEntries: readSeconds(env, 'SESSION_MAX_ENTRIES', 100_000, 'a positive whole number'),
    cookieName: sessionCookie(secureCookie).name,
    secureCookie
  }
}

/** Documentation placeholders, and strings like `aaaa…` or `abcabc…` that pass a length check. */
function isGuessableSecret (secret: string): boolean {
  if (/^(change|replace|your|example|insert|put|set|todo|secret|password|placeholder|x{3})/i.test(secret)) return true
  return new Set(secret).size < 12
}

function readBoolean (env: Env, name: string): boolean | undefined {
  const raw = readString(env, name)
  if (raw === undefined) return undefined
  if (raw === 'true' || raw === 'false') return raw === 'true'
  throw new ConfigError(`${name} must be true or false`)
}

function readString (env: Env, name: string): string | undefined {
  const raw = env[name]?.trim()
  return raw === undefined || raw === '' ? undefined : raw
}

function requireString (env: Env, name: string): string {
  const value = readString(env, name)
  if (value === undefined) throw new ConfigError(`${name} is required when OIDC_ISSUER is set`)
  return value
}

function readSeconds (env: Env, name: string, fallback: number, what = 'a positive whole number of seconds'): number {
  const raw = readString(env, name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be ${what}`)
  }
  return value
}

function readPort (env: Env, name: string, fallback: number): number {
  const raw = readString(env, name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value > 65535) {
    throw new ConfigError(`${name} must be a port number from 0 to 65535`)
  }
  return value
}

function readUrl (env: Env, name: string): URL | undefined {
  const raw = readString(env, name)
  if (raw === undefined) return undefined
  try {
    return new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be an absolute URL`)
  }
}

function readBaseUrl (env: Env, port: number, production: boolean): URL {
  const url = readUrl(env, 'BASE_URL') ?? new URL(`http://localhost:${port}`)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('BASE_URL must be an http or https URL')
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError('BASE_URL must be an origin only, such as https://app.example.com (no path, query or credentials)')
  }
  if (production && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError('BASE_URL must use https when NODE_ENV=production (plain http only for loopback hosts)')
  }
  return url
}

function readIssuer (env: Env): URL | undefined {
  const url = readUrl(env, 'OIDC_ISSUER')
  if (url === undefined) return undefined
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigError('OIDC_ISSUER must use https (plain http only for loopback hosts)')
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError('OIDC_ISSUER must not have a query or fragment')
  }
  return url
}

function readRedisUrl (env: Env): URL {
  const url = readUrl(env, 'REDIS_URL') ?? new URL('redis://127.0.0.1:6379')
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL')
  }
  return url
}

function readRedisTopology (env: Env): Pick<SessionConfig, 'redisSentinels' | 'redisSentinelName' | 'redisSentinelPassword' | 'redisClusterNodes'> {
  const sentinels = readHostList(env, 'REDIS_SENTINELS')
  const clusterNodes = readHostList(env, 'REDIS_CLUSTER_NODES')
  if (sentinels !== undefined && clusterNodes !== undefined) {
    throw new ConfigError('REDIS_SENTINELS and REDIS_CLUSTER_NODES exclude each other: Sentinel watches one primary, a Cluster shards across many')
  }
  return {
    redisSentinels: sentinels,
    redisSentinelName: readString(env, 'REDIS_SENTINEL_NAME') ?? 'mymaster',
    redisSentinelPassword: readString(env, 'REDIS_SENTINEL_PASSWORD'),
    redisClusterNodes: clusterNodes
  }
}

/** A comma-separated list of host:port, e.g. `10.0.0.1:26379,10.0.0.2:26379`. */
function readHostList (env: Env, name: string): RedisHost[] | undefined {
  const raw = readString(env, name)
  if (raw === undefined) return undefined
  return raw.split(',').map((entry) => {
    const match = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(entry.trim())
    const port = Number(match?.[2])
    if (match === null || port < 1 || port > 65535) {
      throw new ConfigError(`${name} must be a comma-separated list of host:port, such as 10.0.0.1:26379,10.0.0.2:26379`)
    }
    return { host: match[1] as string, port }
  })
}

function readNamespace (env: Env): string | undefined {
  const raw = readString(env, 'CLAIMS_NAMESPACE')
  if (raw === undefined) return undefined
  if (/\s/.test(raw)) throw new ConfigError('CLAIMS_NAMESPACE must not contain spaces')
  return raw.replace(/\/+$/, '')
}

function readEidConnections (env: Env): Record<string, string> | undefined {
  const raw = readString(env, 'EID_CONNECTIONS')
  if (raw === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new ConfigError('EID_CONNECTIONS must be a JSON object such as {"itsme":"criipto-itsme"}')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('EID_CONNECTIONS must be a JSON object such as {"itsme":"criipto-itsme"}')
  }
  const connections: Record<string, string> = {}
  for (const [name, connection] of Object.entries(parsed)) {
    if (!EID_NAME.test(name)) {
      throw new ConfigError('EID_CONNECTIONS keys must be short lower-case eID names (a-z, 0-9, - and _)')
    }
    if (typeof connection !== 'string' || connection.trim() === '') {
      throw new ConfigError('EID_CONNECTIONS values must be non-empty Auth0 connection names')
    }
    connections[name] = connection.trim()
  }
  return connections
}

const UPSTREAMS_EXAMPLE = '{"orders":"http://orders.internal:8080"} or {"orders":{"url":"http://orders.internal:8080/v1","timeout":5,"token":"access"}}'

/**
 * UPSTREAMS: name → base URL, or name → { url, timeout (seconds, default 10),
 * token ("access" by default, "id" or "none") }.
 */
function readUpstreams (env: Env): Record<string, UpstreamConfig> {
  const raw = readString(env, 'UPSTREAMS')
  if (raw === undefined) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new ConfigError(`UPSTREAMS must be a JSON object such as ${UPSTREAMS_EXAMPLE}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`UPSTREAMS must be a JSON object such as ${UPSTREAMS_EXAMPLE}`)
  }
  const upstreams: Record<string, UpstreamConfig> = {}
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (!EID_NAME.test(name)) {
      throw new ConfigError('UPSTREAMS keys must be short lower-case names (a-z, 0-9, - and _): they become /api/<name>/')
    }
    const options = typeof entry === 'string' ? { url: entry } : entry
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new ConfigError(`UPSTREAMS.${name} must be a URL or an object with url, timeout and token`)
    }
    const { url, timeout = 10, token = 'access', ...unknown } = options as Record<string, unknown>
    const unknownKey = Object.keys(unknown)[0]
    if (unknownKey !== undefined) {
      throw new ConfigError(`UPSTREAMS.${name} has an unknown option ${JSON.stringify(unknownKey)} (known: url, timeout, token)`)
    }
    upstreams[name] = {
      url: readUpstreamUrl(name, url),
      timeoutSeconds: readUpstreamTimeout(name, timeout),
      token: readUpstreamToken(name, token)
    }
  }
  return upstreams
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

/**
 * An https BASE_URL served on plain http means TLS ends at a proxy, and only
 * a believed proxy may say the request came over https and from which client
 * address (the rate-limit key, the logged address). Believing every private
 * range would let any client on one pick those itself, so production names
 * its proxy; elsewhere only a proxy on this host is believed.
 */
function readTrustProxy (env: Env, baseUrl: URL, production: boolean): boolean | string {
  const raw = readString(env, 'TRUST_PROXY')
  if (raw === undefined) {
    if (baseUrl.protocol !== 'https:') return false
    if (production) {
      throw new ConfigError('TRUST_PROXY is required when NODE_ENV=production with an https BASE_URL: set it to the address or CIDR range of the proxy that ends TLS (e.g. 10.0.3.7 or 10.0.3.0/24), or false when no proxy is in front')
    }
    return 'loopback'
  }
  if (raw === 'true' || raw === 'false') return raw === 'true'
  if (/^[\w.:/,\s-]+$/.test(raw)) return raw
  throw new ConfigError('TRUST_PROXY must be true, false, or comma-separated addresses, CIDR ranges or loopback/linklocal/uniquelocal')
}

function readLogoutHint (env: Env): LogoutHint {
  const raw = readString(env, 'OIDC_LOGOUT_HINT') ?? 'sid'
  if (!LOGOUT_HINTS.includes(raw as LogoutHint)) {
    throw new ConfigError(`OIDC_LOGOUT_HINT must be one of ${LOGOUT_HINTS.join(', ')}`)
  }
  return raw as LogoutHint
}

/** METRICS_PORT (and METRICS_HOST, HOST by default): `/metrics` on a listener of its own. */
function readMetricsListener (env: Env, mainPort: number, mainHost: string): MetricsListenerConfig | undefined {
  const host = readString(env, 'METRICS_HOST')
  const raw = readString(env, 'METRICS_PORT')
  if (raw === undefined) {
    if (host !== undefined) throw new ConfigError('METRICS_HOST needs METRICS_PORT: it is the address of the metrics listener')
    return undefined
  }
  const port = Number(raw)
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new ConfigError('METRICS_PORT must be a port number from 1 to 65535')
  }
  if (port === mainPort) throw new ConfigError('METRICS_PORT must differ from PORT')
  return { port, host: host ?? mainHost }
}

/** A bearer token (RFC 6750 characters), long enough not to be guessed. */
function readMetricsToken (env: Env): string | undefined {
  const token = readString(env, 'METRICS_TOKEN')
  if (token !== undefined && (token.length < 16 || !/^[\w.~+/-]+=*$/.test(token))) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters of A-Z, a-z, 0-9 and -._~+/ (e.g. openssl rand -hex 32)')
  }
  return token
}

function readLogLevel (env: Env): string {
  const level = readString(env, 'LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)
  }
  return level
}

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof URL) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
