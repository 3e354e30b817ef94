import { createHash, timingSafeEqual } from 'node:crypto'

function digest (value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest()
}

/** RFC 6750's `Authorization: Bearer <b64token>`, any case, spaces around allowed. */
const BEARER = /^Bearer +([\w.~+/-]+=*) *$/i

/** The token of an `Authorization: Bearer` header, or undefined for any other header. */
export function bearerTokenOf (authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : BEARER.exec(authorization)?.[1]
}

/**
 * A check that an `Authorization` header carries exactly this bearer token.
 * Both sides are hashed first, so the comparison takes the same time for any
 * guess, whatever its length or how much of it is right.
 */
export function bearerTokenCheck (expected: string): (authorization: string | undefined) => boolean {
  const wanted = digest(expected)
  return (authorization) => {
    const given = bearerTokenOf(authorization)
    return given !== undefined && timingSafeEqual(digest(given), wanted)
  }
}
