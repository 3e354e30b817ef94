import { GatewayError } from '../errors.js'
import { requestTargetViolation } from '../security/request-target.js'

/** What RFC 3986 lets a path and query hold as they are: anything else (spaces, quotes, non-ASCII) arrives escaped. */
const TARGET_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/
/** An escaped slash or backslash: one segment here, two for a server that decodes before it routes. */
const ENCODED_SEPARATOR = /%(?:2f|5c)/i
/** An escaped control character, NUL included. */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i
const ESCAPE = /%[0-9a-f]{2}/i
/** A dot segment, plain or in a disguise some server reads as one: `..;x` (path parameters), `.. `, `...`. */
const DOT_SEGMENT = /^\.+(?:[;\s].*)?$|^\s*\.\.?\s*$/

export interface OriginalTarget {
  /** The path the rules are matched against: decoded once, empty segments merged, no query. */
  readonly path: string
  /** The request-target as the proxy sent it (path and query), for a login's way back. */
  readonly target: string
}

function refuse (message: string): GatewayError {
  return new GatewayError('invalid_request', message, 400)
}

/**
 * The path an original request will be served at, from its request-target
 * as the proxy saw it (`/hr/x?y=1`). The rules are chosen by this path, so
 * it must be the one the protected service serves, however the target is
 * spelled: escapes are undone once (`/h%72/` is `/hr/`) and empty segments
 * merged (`//hr/` is `/hr/`), as nginx does before it routes. Whatever
 * servers read in different ways is refused, never guessed at. Dot segments
 * in any spelling (`/app/../hr/`, `/app/%2e%2e/hr/`, `..;`, `...`): nginx
 * and URL parsers resolve them, Fastify and Express route them as they
 * are, so `/app/../hr/x` may be served from `/hr/` or from `/app/`; a browser
 * resolves them before it sends a request, so no page ever needs them.
 * Escaped slashes and backslashes (`/app/..%2Fhr/`), escapes left after one
 * round of decoding (`%252e`), escaped control characters, and anything that
 * is not a plain origin-form target (RFC 9112 3.2.1): absolute-form, `*`, a
 * fragment, raw spaces or non-ASCII bytes, and the `, ` that joins a header
 * sent twice.
 *
 * @throws GatewayError `invalid_request`
 */
export function originalTarget (target: string, name: string): OriginalTarget {
  if (requestTargetViolation(target) !== undefined || !TARGET_CHARACTERS.test(target) || target.length > 4096) {
    throw refuse(`${name} must be the original request's path, as in /app/page?x=1`)
  }
  const queryAt = target.indexOf('?')
  const raw = queryAt === -1 ? target : target.slice(0, queryAt)
  if (ENCODED_SEPARATOR.test(raw) || ENCODED_CONTROL.test(raw)) {
    throw refuse(`${name} must not hold escaped slashes, backslashes or control characters`)
  }
  let decoded: string
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    throw refuse(`${name} is not valid percent-encoding`)
  }
  if (ESCAPE.test(decoded)) throw refuse(`${name} must not be escaped twice`)
  return { path: normalisedPath(decoded, name), target }
}

/**
 * A decoded path with its empty segments merged; a trailing slash stays.
 * A dot segment, plain or disguised, is refused.
 */
export function normalisedPath (decoded: string, name: string): string {
  const parts = decoded.split('/').slice(1)
  if (parts.some((part) => DOT_SEGMENT.test(part))) throw refuse(`${name} must not hold dot segments (., .. or a disguise of them)`)
  const segments = parts.filter((part) => part !== '')
  return `/${segments.join('/')}${segments.length > 0 && parts[parts.length - 1] === '' ? '/' : ''}`
}
