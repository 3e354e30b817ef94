import { GatewayError } from '../errors.js'
import { requestTargetViolation } from '../security/request-target.js'

/** What RFC 3986 lets a path and query hold as they are: anything else (spaces, quotes, non-ASCII) arrives escaped. */
const TARGET_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/
/** An escaped slash or backslash: one segment here, two for a server that decodes before it routes. */
const ENCODED_SEPARATOR = /%(?:2f|5c)/i
/** An escaped control character, NUL included. */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i
const ESCAPE = /%[0-9a-f]{2}/i
/** A segment some server reads as a dot segment though it is not one: `..;x` (path parameters), `.. `, `...`. */
const DISGUISED_DOT_SEGMENT = /^\.+(?:[;\s].*)?$|^\s*\.\.?\s*$/

export interface OriginalTarget {
  /** The path the rules are matched against: decoded, dot segments resolved, no empty segments, no query. */
  readonly path: string
  /** The request-target as the proxy sent it (path and query), for a login's way back. */
  readonly target: string
}

function refuse (message: string): GatewayError {
  return new GatewayError('invalid_request', message, 400)
}

/**
 * The path an original request will be served at, from its request-target
 * as the proxy saw it (`/hr/../app/x?y=1`). The rules are chosen by this
 * path, so it must be the one the protected service resolves, however the
 * target is spelled: dot segments are resolved (`/app/../hr/` is `/hr/`,
 * `/app/%2e%2e/hr/` too), escapes are undone once, and empty segments are
 * merged (`//hr/` is `/hr/`), as servers do before they route. What some
 * server would read differently from us is refused, never guessed at:
 * escaped slashes and backslashes (`/app/..%2Fhr/`), escapes left after one
 * round of decoding (`%252e`), escaped control characters, `..;` and other
 * disguised dot segments, and anything that is not a plain origin-form
 * target (RFC 9112 3.2.1): absolute-form, `*`, a fragment, raw spaces or
 * non-ASCII bytes, and the `, ` that joins a header sent twice.
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
  return { path: resolvePath(decoded, name), target }
}

/**
 * A decoded path with its dot segments resolved (RFC 3986 5.2.4) and its
 * empty segments dropped; a trailing slash stays, `..` never climbs above `/`.
 */
export function resolvePath (decoded: string, name: string): string {
  const segments: string[] = []
  const parts = decoded.split('/')
  for (const part of parts) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      segments.pop()
      continue
    }
    if (DISGUISED_DOT_SEGMENT.test(part)) throw refuse(`${name} must not hold disguised dot segments`)
    segments.push(part)
  }
  const last = parts[parts.length - 1]
  const trailing = segments.length > 0 && (last === '' || last === '.' || last === '..')
  return `/${segments.join('/')}${trailing ? '/' : ''}`
}
