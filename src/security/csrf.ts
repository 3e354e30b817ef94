import type { IncomingHttpHeaders } from 'node:http'
import { GatewayError } from '../errors.js'

/** Fetch metadata values of requests the gateway's own frontend makes. */
const OWN_SITE = new Set(['same-origin', 'none'])

/**
 * Cross-site request forgery checks for calls the frontend makes with fetch
 * (the `/api` proxy and anything else that changes state with a cookie):
 * - the `X-CSRF: 1` header, which a cross-site form or link cannot send and a
 *   cross-origin fetch can only send after a CORS preflight the gateway never
 *   grants (the rule Duende's BFF uses);
 * - `Sec-Fetch-Site`, when the browser sends it, must say the request came
 *   from this origin; a sibling subdomain (`same-site`) is refused too;
 * - `Origin`, when present, must be the gateway's own.
 * Returns the error to answer with, or undefined when the request may pass.
 */
export function csrfViolation (headers: IncomingHttpHeaders, ownOrigin: string): GatewayError | undefined {
  if (headers['x-csrf'] !== '1') {
    return new GatewayError('csrf_required', 'Send the header X-CSRF: 1 with this request', 403)
  }
  const site = headers['sec-fetch-site']
  if (typeof site === 'string' && !OWN_SITE.has(site)) {
    return new GatewayError('cross_site_request', 'Requests from other sites are refused', 403)
  }
  const origin = headers.origin
  if (typeof origin === 'string' && origin !== ownOrigin) {
    return new GatewayError('cross_site_request', 'Requests from other origins are refused', 403)
  }
  return undefined
}
