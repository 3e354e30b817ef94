import { GatewayError } from '../errors.js'

/**
 * Refuses a request-target that is not origin-form (RFC 9112, 3.2.1: a path
 * starting with `/`, then an optional query). Node and the router also accept
 * the absolute-form (`GET http://host/path`), in which the URL the gateway
 * sees names a host of the caller's choosing and no longer starts with the
 * path a route matched; and the asterisk-form (`OPTIONS *`). A browser sends
 * neither to an origin server, and no route here has a use for them. A `#`
 * has no place in a request-target either: the router reads it as the end of
 * the path, where the rest of the gateway would not.
 */
export function requestTargetViolation (target: string): GatewayError | undefined {
  if (target.charCodeAt(0) === 0x2f && !target.includes('#')) return undefined
  return new GatewayError('invalid_request', 'The request target must be a path, as in GET /me', 400)
}
