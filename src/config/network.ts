import { ConfigError } from '../errors.js'
import { readAbsoluteUrl, readPort, readString, type Env } from './readers.js'

/** Where the gateway listens, and the origin browsers reach it at. */
export interface Address {
  readonly port: number
  readonly host: string
  /** The public origin; the callback and logout URIs hang off it. */
  readonly baseUrl: URL
}

/** PORT, HOST and BASE_URL (http://localhost:<PORT> by default). */
export function readAddress (env: Env, production: boolean): Address {
  const port = readPort(env, 'PORT') ?? 3000
  const host = readString(env, 'HOST') ?? '127.0.0.1'
  return { port, host, baseUrl: readBaseUrl(env, port, production) }
}

export function isLoopbackHost (hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

function readBaseUrl (env: Env, port: number, production: boolean): URL {
  const url = readAbsoluteUrl(env, 'BASE_URL') ?? new URL(`http://localhost:${port}`)
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

/**
 * TRUST_PROXY, Fastify's trustProxy: which hops may set X-Forwarded-*.
 *
 * An https BASE_URL served on plain http means TLS ends at a proxy, and only
 * a believed proxy may say the request came over https and from which client
 * address (the rate-limit key, the logged address). Believing every private
 * range would let any client on one pick those itself, so production names
 * its proxy; elsewhere only a proxy on this host is believed.
 */
export function readTrustProxy (env: Env, baseUrl: URL, production: boolean): boolean | string {
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
