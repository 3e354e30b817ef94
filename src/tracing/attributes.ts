import { GatewayError } from '../errors.js'
import type { SpanAttributes } from './types.js'

/** The methods the semantic conventions name; any other is `_OTHER`, so a client cannot mint span names. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'])

/** An error class name as a class would spell it; anything else is not used as a value. */
const CLASS_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/

/**
 * Probes and scrapes every few seconds would drown the traces of logins:
 * these routes get no span.
 */
export const UNTRACED_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics'])

export function httpMethod (method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER'
}

/**
 * `server.address` and `server.port` of an endpoint the gateway calls,
 * from the configuration or the provider's metadata: host and port only,
 * never its path or query.
 */
export function endpointAttributes (endpoint: string | URL | undefined): SpanAttributes {
  if (endpoint === undefined) return {}
  let url: URL
  try {
    url = typeof endpoint === 'string' ? new URL(endpoint) : endpoint
  } catch {
    return {}
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
  return { 'server.address': url.hostname, 'server.port': port }
}

/**
 * `error.type` of a failure: the gateway's stable error code, or the class
 * name of another error. Never its message, which may quote a token's claims.
 */
export function errorTypeOf (error: unknown): string {
  if (error instanceof GatewayError) return error.code
  const name = (error as { name?: unknown } | null)?.name
  return typeof name === 'string' && CLASS_NAME.test(name) ? name : '_OTHER'
}
