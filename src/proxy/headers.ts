import type { IncomingHttpHeaders } from 'node:http'

/** RFC 9110, 7.6.1: headers about one connection, never passed on by a proxy. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']

/**
 * What the browser sent, fit for a downstream service: none of the browser's
 * credentials (cookies, its own Authorization, the CSRF proof) and no
 * hop-by-hop headers; the gateway's bearer token and the request id instead.
 */
export function upstreamRequestHeaders (incoming: IncomingHttpHeaders, bearer: string | undefined, requestId: string): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...incoming }
  for (const name of [...HOP_BY_HOP, ...namedInConnection(incoming.connection), 'cookie', 'authorization', 'x-csrf']) delete headers[name]
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
  const headers: IncomingHttpHeaders = { ...incoming }
  const connection = typeof incoming.connection === 'string' ? incoming.connection : undefined
  for (const name of [...HOP_BY_HOP, ...namedInConnection(connection), 'set-cookie']) delete headers[name]
  return headers
}

function namedInConnection (connection: string | undefined): string[] {
  if (connection === undefined) return []
  return connection.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '')
}
