import { GatewayError } from '../errors.js'

export interface UpstreamTarget {
  /** The upstream URL: its configured origin, and a path under its base path. No query. */
  readonly url: string
  /** The query as the browser sent it, without the `?` ('' for none). */
  readonly query: string
}

/** `%2F` and `%5C`: a slash the router decoded into the wildcard, where it would start a new segment upstream. */
const ENCODED_SEPARATOR = /%(?:2f|5c)/i

/** What encodeURIComponent escapes but a path segment may hold as it is (RFC 3986, 3.3: pchar). */
const SEGMENT_SAFE = /%(?:24|26|2B|2C|3A|3B|3D|40)/g

function refuse (message: string): GatewayError {
  return new GatewayError('invalid_request', message, 400)
}

function encodeSegment (segment: string): string {
  return encodeURIComponent(segment).replace(SEGMENT_SAFE, (escape) => decodeURIComponent(escape))
}

/**
 * The upstream URL for a call to `/api/<name>/<wildcard>`: built from the
 * route's wildcard (the router matched the mount however its name was
 * spelled, percent-encoded or not), never by cutting the raw request URL at
 * the mount's length, which an absolute-form or percent-encoded target would
 * shift into the upstream's host or port. Each segment is encoded again and
 * the result is parsed, then required to keep the upstream's origin and stay
 * under its base path: the allowlist check a BFF proxy owes its tokens.
 *
 * From the raw, origin-form request-target (`rawUrl`) come only what the
 * router's decoding hides: encoded slashes, refused like dot segments so no
 * request climbs out of the base path; and the query, passed on as sent.
 */
export function upstreamTarget (base: URL, wildcard: string | undefined, rawUrl: string): UpstreamTarget {
  const queryAt = rawUrl.indexOf('?')
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt)
  const query = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1)
  if (ENCODED_SEPARATOR.test(rawPath)) throw refuse('The request path must not contain dot segments or encoded slashes')
  const segments = wildcard === undefined ? undefined : wildcard.split('/')
  for (const segment of segments ?? []) {
    if (segment === '.' || segment === '..' || segment.includes('\\')) {
      throw refuse('The request path must not contain dot segments or encoded slashes')
    }
  }
  try {
    decodeURIComponent(query)
  } catch {
    throw refuse('The query string is not valid percent-encoding')
  }

  const basePath = base.pathname.replace(/\/+$/, '')
  const target = new URL(base.href)
  target.pathname = segments === undefined ? basePath : `${basePath}/${segments.map(encodeSegment).join('/')}`
  if (target.origin !== base.origin || !(target.pathname === (basePath || '/') || target.pathname.startsWith(`${basePath}/`))) {
    throw refuse('The request path must stay under the service\'s base path')
  }
  return { url: target.href, query }
}
