import type { IncomingHttpHeaders } from 'node:http'

/** RFC 9110, 7.6.1: headers about one connection, never passed on by a proxy. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']
const NOT_UPSTREAM = new Set([...HOP_BY_HOP, 'cookie', 'authorization', 'x-csrf'])
const NOT_TO_BROWSER = new Set([...HOP_BY_HOP, 'set-cookie'])

/**
 * What the browser sent, fit for a downstream service: none of the browser's
 * credentials (cookies, its own Authorization, the CSRF proof) and no
 * hop-by-hop headers; the gateway's bearer token and the request id instead.
 */
export function upstreamRequestHeaders (incoming: IncomingHttpHeaders, bearer: string | undefined, requestId: string): IncomingHttpHeaders {
  const headers = copyExcept(incoming, NOT_UPSTREAM)
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`
  headers['x-request-id'] = requestId
  return headers
}

/**
 * What the upstream answered, fit for the browser: no hop-by-hop headers and
 * no Set-Cookie, so a downstream service can neither replace the session
 * cookie nor plant cookies on the gateway's origin.
 */
export function browserResponseHeaders (incoming: IncomingHttpHeaders): IncomingHttpHeaders {
  return copyExcept(incoming, NOT_TO_BROWSER)
}

/**
 * The headers minus the dropped ones and those the Connection header names.
 * Copied rather than deleted from, which would leave the HTTP client a slow
 * dictionary-mode object on every proxied request.
 */
function copyExcept (incoming: IncomingHttpHeaders, dropped: ReadonlySet<string>): IncomingHttpHeaders {
  const alsoDropped = namedInConnection(incoming.connection)
  const headers: IncomingHttpHeaders = {}
  for (const name in incoming) {
    if (!dropped.has(name) && !alsoDropped.includes(name)) headers[name] = incoming[name]
  }
  return headers
}

function namedInConnection (connection: unknown): string[] {
  if (typeof connection !== 'string') return []
  return connection.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '')
}
