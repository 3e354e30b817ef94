import { ConfigError } from '../errors.js'
import { readClaimsNamespace, readEidOptions, type EidOption } from './claims.js'
import { readDevelopmentDefaults } from './development.js'
import { deepFreeze } from './freeze.js'
import { readForwardAuth, type ForwardAuthConfig } from './forward-auth.js'
import { readInternalApi, type InternalApiConfig } from './internal-api.js'
import { readMetrics, type MetricsConfig } from './metrics.js'
import { readAddress, readTrustProxy, type Address } from './network.js'
import { readIssuer, readOidc, type OidcConfig } from './oidc.js'
import { readRateLimits, type RateLimits } from './rate-limits.js'
import { readBoolean, readChoice, type Env } from './readers.js'
import { readSession, type SessionConfig } from './session.js'
import { readTracing, type TracingConfig } from './tracing.js'
import { readUpstreams, type UpstreamConfig } from './upstreams.js'

export type { Env } from './readers.js'
export type { EidOption } from './claims.js'
export type { OidcConfig, LogoutHint } from './oidc.js'
export type { SessionConfig } from './session.js'
export type { RedisSettings } from './redis.js'
export type { UpstreamConfig } from './upstreams.js'
export type { InternalApiConfig } from './internal-api.js'
export type { RateLimits } from './rate-limits.js'
export type { MetricsListenerConfig } from './metrics.js'
export type { AccessTokenMode, ForwardAuthConfig, ForwardAuthRule } from './forward-auth.js'
export type { TraceExporter, TracingConfig } from './tracing.js'

export interface Config extends Address, MetricsConfig {
  readonly production: boolean
  /** Fastify's trustProxy: which hops may set X-Forwarded-* (protocol and client address). */
  readonly trustProxy: boolean | string
  readonly oidc: OidcConfig
  /** Present when no OIDC_ISSUER is set: the embedded development provider runs on this port. */
  readonly devIdp: { readonly port: number } | undefined
  readonly claims: { readonly namespace: string | undefined }
  /** EID_CONNECTIONS: the eID options `/login?eid=` offers, in their order, each with the level it asks for. */
  readonly eids: readonly EidOption[]
  readonly session: SessionConfig
  readonly rateLimits: RateLimits
  readonly upstreams: Readonly<Record<string, UpstreamConfig>>
  readonly internalApi: InternalApiConfig
  /** `/auth` for proxies (FORWARD_AUTH); undefined: off. */
  readonly forwardAuth: ForwardAuthConfig | undefined
  /** The demo frontend at `/` (DEMO); on outside production unless DEMO=false. */
  readonly demo: boolean
  readonly logLevel: string
  /** OpenTelemetry tracing, decided from the standard OTEL_* variables; off unless an exporter or endpoint is named. */
  readonly tracing: TracingConfig
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * Parses the contract's environment variables into a frozen, typed Config.
 * Throws a ConfigError naming the first bad variable; never echoes a secret.
 * Without OIDC_ISSUER the development defaults fill in the provider's part
 * (config/development.ts), and startDevelopment completes the config.
 */
export function loadConfig (env: Env): Config {
  const production = env.NODE_ENV === 'production'
  const address = readAddress(env, production)
  const issuer = readIssuer(env)
  if (issuer === undefined && production) {
    throw new ConfigError('OIDC_ISSUER is required when NODE_ENV=production: the embedded development provider never runs in production')
  }
  const session = readSession(env, address.baseUrl, production)
  const trustProxy = readTrustProxy(env, address.baseUrl, production)
  const development = issuer === undefined ? readDevelopmentDefaults(env, address.port) : undefined
  return deepFreeze({
    production,
    ...address,
    trustProxy,
    oidc: readOidc(env, address.baseUrl, issuer, development),
    devIdp: development === undefined ? undefined : { port: development.providerPort },
    claims: { namespace: readClaimsNamespace(env) ?? development?.claimsNamespace },
    eids: readEidOptions(env, development?.eidOptions),
    session,
    rateLimits: readRateLimits(env),
    upstreams: readUpstreams(env),
    // The embedded provider mints service tokens for its audience, so the API works on a fresh clone.
    internalApi: readInternalApi(env, development?.internalAudience, session.maxAgeSeconds, session.secrets, production),
    forwardAuth: readForwardAuth(env, session.secrets, production),
    ...readMetrics(env, address, production),
    demo: readBoolean(env, 'DEMO') ?? !production,
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    tracing: readTracing(env)
  })
}
