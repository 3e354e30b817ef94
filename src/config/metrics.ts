import { ConfigError } from '../errors.js'
import type { Address } from './network.js'
import { readPort, readString, type Env } from './readers.js'

/** A listener of its own for `/metrics` (METRICS_PORT), away from the public one. */
export interface MetricsListenerConfig {
  readonly port: number
  readonly host: string
}

export interface MetricsConfig {
  /** When set, `/metrics` answers only requests that carry it as a bearer token. */
  readonly metricsToken: string | undefined
  /** When set, `/metrics` is served there only, and the main listener answers 404 for it. */
  readonly metricsListener: MetricsListenerConfig | undefined
}

/**
 * METRICS_TOKEN, METRICS_PORT and METRICS_HOST. The metrics name every route
 * and count every login: production keeps them from whoever reaches the public port.
 */
export function readMetrics (env: Env, main: Pick<Address, 'port' | 'host'>, production: boolean): MetricsConfig {
  const metricsToken = readMetricsToken(env)
  const metricsListener = readMetricsListener(env, main)
  if (production && metricsToken === undefined && metricsListener === undefined) {
    throw new ConfigError('METRICS_PORT or METRICS_TOKEN is required when NODE_ENV=production: set METRICS_PORT to serve /metrics on a port of its own that only Prometheus reaches (e.g. 9464), or METRICS_TOKEN to a bearer token for it (e.g. openssl rand -hex 32)')
  }
  return { metricsToken, metricsListener }
}

/** `/metrics` on a listener of its own, on HOST unless METRICS_HOST says otherwise. */
function readMetricsListener (env: Env, main: Pick<Address, 'port' | 'host'>): MetricsListenerConfig | undefined {
  const host = readString(env, 'METRICS_HOST')
  const port = readPort(env, 'METRICS_PORT', 1)
  if (port === undefined) {
    if (host !== undefined) throw new ConfigError('METRICS_HOST needs METRICS_PORT: it is the address of the metrics listener')
    return undefined
  }
  if (port === main.port) throw new ConfigError('METRICS_PORT must differ from PORT')
  return { port, host: host ?? main.host }
}

/** A bearer token (RFC 6750 characters), long enough not to be guessed. */
function readMetricsToken (env: Env): string | undefined {
  const token = readString(env, 'METRICS_TOKEN')
  if (token !== undefined && (token.length < 16 || !/^[\w.~+/-]+=*$/.test(token))) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters of A-Z, a-z, 0-9 and -._~+/ (e.g. openssl rand -hex 32)')
  }
  return token
}
