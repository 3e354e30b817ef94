import { createHash, timingSafeEqual } from 'node:crypto'

function digest (value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest()
}

/**
 * A check that an `Authorization` header carries exactly this bearer token.
 * Both sides are hashed first, so the comparison takes the same time for any
 * guess, whatever its length or how much of it is right.
 */
export function bearerTokenCheck (expected: string): (authorization: string | undefined) => boolean {
  const wanted = digest(expected)
  return (authorization) => {
    const given = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1]
    return given !== undefined && timingSafeEqual(digest(given), wanted)
  }
}
