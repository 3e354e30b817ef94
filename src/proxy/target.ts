import { GatewayError } from '../errors.js'

/**
 * The upstream URL for a proxied request: the part of the raw request URL
 * after `/api/<name>` (path and query, still percent-encoded as the browser
 * sent them), appended to the upstream's base path. Dot segments are refused
 * so a request cannot climb out of the base path.
 */
export function upstreamUrl (base: URL, mountPath: string, rawUrl: string): string {
  const rest = rawUrl.slice(mountPath.length)
  const queryAt = rest.indexOf('?')
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt)
  for (const segment of path.split('/')) {
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      throw new GatewayError('invalid_request', 'The request path is not valid', 400)
    }
    if (decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\')) {
      throw new GatewayError('invalid_request', 'The request path must not contain dot segments or encoded slashes', 400)
    }
  }
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${rest}`
}
