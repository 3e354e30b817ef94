import type { IncomingHttpHeaders } from 'node:http'
import { SECURITY_HEADER_NAMES } from '../security/security-headers.js'

/** RFC 9110, 7.6.1: headers about one connection, never passed on by a proxy. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']
/**
 * The eIDAS level of the session's login (`low`, `substantial`, `high`), for
 * services that decide by it; absent when the login proved none.
 */
export const ASSURANCE_LEVEL_HEADER = 'x-assurance-level'
/** Who the client is and which origin it called: the gateway says so itself, a browser could claim anything. */
const FORWARDING = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-forwarded-prefix', 'x-real-ip']
// Expect: Node has already answered the browser's `100-continue`; the HTTP client refuses the header.
// X-Assurance-Level: the gateway's word on the login, never the browser's.
const NOT_UPSTREAM = new Set([...HOP_BY_HOP, ...FORWARDING, 'cookie', 'authorization', 'x-csrf', 'expect', ASSURANCE_LEVEL_HEADER])
/** Traced, the gateway's own span is the upstream's parent: the browser's trace context goes, to come back as the span's. */
const NOT_UPSTREAM_TRACED = new Set([...NOT_UPSTREAM, 'traceparent', 'tracestate'])
const NOT_TO_BROWSER = new Set([...HOP_BY_HOP, 'set-cookie', ...SECURITY_HEADER_NAMES])

export interface UpstreamRequestContext {
  /** The token to send as `Authorization: Bearer`; none when undefined. */
  readonly bearer: string | undefined
  readonly requestId: string
  /**
   * The client's address as the gateway determined it (its trusted proxies,
   * TRUST_PROXY, considered); undefined once the client has gone.
   */
  readonly clientAddress: string | undefined
  /** The origin the browser called (BASE_URL). */
  readonly publicUrl: URL
  /** The session login's eIDAS level, sent as X-Assurance-Level; none when it proved none. */
  readonly assuranceLevel?: string
  /**
   * With tracing on, the W3C Trace Context of the gateway's span for this
   * call (`traceparent`, `tracestate`): it replaces the browser's, so the
   * upstream's span is a child of the gateway's, in the same trace.
   */
  readonly traceHeaders?: Readonly<Record<string, string>>
}

/**
 * What the browser sent, fit for a downstream service: none of the browser's
 * credentials (cookies, its own Authorization, the CSRF proof), no hop-by-hop
 * headers and none of its claims about forwarding or the login's level; the
 * gateway's bearer token, the request id, the forwarding headers and the
 * login's level from what the gateway knows instead.
 */
export function upstreamRequestHeaders (incoming: IncomingHttpHeaders, { bearer, requestId, clientAddress, publicUrl, assuranceLevel, traceHeaders }: UpstreamRequestContext): IncomingHttpHeaders {
  const headers = copyExcept(incoming, traceHeaders === undefined ? NOT_UPSTREAM : NOT_UPSTREAM_TRACED)
  if (traceHeaders !== undefined) Object.assign(headers, traceHeaders)
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`
  if (assuranceLevel !== undefined) headers[ASSURANCE_LEVEL_HEADER] = assuranceLevel
  headers['x-request-id'] = requestId
  const proto = publicUrl.protocol.slice(0, -1)
  headers.forwarded = `for=${forwardedNode(clientAddress)};host="${publicUrl.host}";proto=${proto}`
  if (clientAddress !== undefined) {
    headers['x-forwarded-for'] = clientAddress
    headers['x-real-ip'] = clientAddress
  }
  headers['x-forwarded-host'] = publicUrl.host
  headers['x-forwarded-proto'] = proto
  return headers
}

/**
 * What the upstream answered, fit for the browser: no hop-by-hop headers, no
 * Set-Cookie, none of the security headers the gateway sets and no CORS
 * headers, so a downstream service can neither replace the session cookie,
 * plant cookies, nor loosen the policy of the gateway's origin.
 */
export function browserResponseHeaders (incoming: IncomingHttpHeaders): IncomingHttpHeaders {
  return copyExcept(incoming, NOT_TO_BROWSER, 'access-control-')
}

/** RFC 7239, 6: an IPv6 address is bracketed, and then quoted; an address not known is `unknown`. */
function forwardedNode (address: string | undefined): string {
  if (address === undefined) return 'unknown'
  return address.includes(':') ? `"[${address}]"` : address
}

/**
 * The headers minus the dropped ones, those starting with `droppedPrefix`,
 * and those the Connection header names. Copied rather than deleted from,
 * which would leave the HTTP client a slow dictionary-mode object on every
 * proxied request.
 */
function copyExcept (incoming: IncomingHttpHeaders, dropped: ReadonlySet<string>, droppedPrefix?: string): IncomingHttpHeaders {
  const alsoDropped = namedInConnection(incoming.connection)
  const headers: IncomingHttpHeaders = {}
  for (const name in incoming) {
    if (dropped.has(name) || alsoDropped.includes(name)) continue
    if (droppedPrefix !== undefined && name.startsWith(droppedPrefix)) continue
    headers[name] = incoming[name]
  }
  return headers
}

function namedInConnection (connection: unknown): string[] {
  if (typeof connection !== 'string') return []
  return connection.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '')
}
