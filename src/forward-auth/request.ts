import type { IncomingHttpHeaders } from 'node:http'
import { GatewayError } from '../errors.js'
import { originalTarget, type OriginalTarget } from './original-path.js'

/** The headers that name the original request-target: nginx's examples use the first, Traefik and Caddy send the second. */
const TARGET_HEADERS = ['x-original-uri', 'x-forwarded-uri'] as const

function single (value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * The original request-target of a forward-auth call, from `X-Original-URI`
 * or `X-Forwarded-Uri`. A proxy sets one of them and passes the browser's
 * other headers along (nginx's `auth_request` subrequest and Traefik copy
 * them all), so the browser can send the other one itself: when both are
 * there they must agree, or the browser would pick the rule. Neither is a
 * 400: the proxy is not set up to say what it asks about.
 *
 * @throws GatewayError `invalid_request`
 */
export function forwardedTarget (headers: IncomingHttpHeaders): OriginalTarget {
  const [original, forwarded] = TARGET_HEADERS.map((name) => single(headers[name]))
  if (original !== undefined && forwarded !== undefined && original !== forwarded) {
    throw new GatewayError('invalid_request', 'X-Original-URI and X-Forwarded-Uri name different requests', 400)
  }
  const target = original ?? forwarded
  if (target === undefined) {
    throw new GatewayError('invalid_request', 'The proxy must send the original request as X-Forwarded-Uri or X-Original-URI', 400)
  }
  return originalTarget(target, original === undefined ? 'X-Forwarded-Uri' : 'X-Original-URI')
}

/**
 * Refuses a forward-auth call about another host. The session cookie is
 * host-only (no `Domain`), so a browser sends it to BASE_URL's host alone:
 * for another host every call would be a 401 and every login would land
 * back here, not there. Ports are not compared (nginx's `$host` has none).
 *
 * @throws GatewayError `invalid_request`
 */
export function checkForwardedHost (headers: IncomingHttpHeaders, hostname: string): void {
  const forwarded = single(headers['x-forwarded-host'])
  if (forwarded === undefined) return
  let named: string | undefined
  try {
    named = /^[A-Za-z0-9.\-[\]:]+$/.test(forwarded) ? new URL(`http://${forwarded}`).hostname : undefined
  } catch {}
  if (named !== hostname) {
    throw new GatewayError('invalid_request', `X-Forwarded-Host must name ${hostname}: the session cookie is sent to that host only`, 400)
  }
}
