import { randomUUID } from 'node:crypto'
import type { IdTokenClaims } from '../oidc/tokens.js'
import type { SessionUser, TokenSet } from './types.js'

/** Claims that only serve validation and would bloat every session. */
const PROTOCOL_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 'azp', 'auth_time', 'jti']

/** The signed-in user as the session keeps it, from a verified login. */
export function toSessionUser (claims: IdTokenClaims, tokens: TokenSet, maxAgeSeconds: number, now = Date.now()): SessionUser {
  const kept: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(claims)) {
    if (!PROTOCOL_CLAIMS.includes(name)) kept[name] = value
  }
  return {
    sub: claims.sub,
    // The provider's sid lets a back-channel logout find this session; without
    // one, a random id still binds /logout to this session.
    sid: typeof claims.sid === 'string' ? claims.sid : randomUUID(),
    claims: kept,
    tokens,
    signedInAt: now,
    expiresAt: now + maxAgeSeconds * 1000
  }
}
