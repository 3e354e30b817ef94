import { randomUUID } from 'node:crypto'
import type { LoginAssurance } from '../claims/login-assurance.js'
import type { IdTokenClaims } from '../oidc/tokens.js'
import type { SessionUser, TokenSet } from './types.js'

/** Claims that only serve validation and would bloat every session. */
const PROTOCOL_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 'azp', 'auth_time', 'jti']

/*
 * @fastify/session tells a changed session from an unchanged one by hashing
 * all of it (a stable stringify and SHA-256) when it is loaded and again
 * before the answer. The user, with its tokens and claims, is most of it, and
 * it is replaced, never changed in place (src/sessions/types.ts): its
 * identity is enough. So a session user's JSON form is a revision number,
 * one per object, and the hash stays small (bench/README.md has the cost of
 * both). Stores write its fields, never its JSON form (`userData`).
 */
const revisions = new WeakMap<object, number>()
let lastRevision = 0

const SESSION_USER = Object.create(Object.prototype, {
  toJSON: {
    value: function revision (this: object): { revision: number } {
      let revision = revisions.get(this)
      if (revision === undefined) {
        revision = ++lastRevision
        revisions.set(this, revision)
      }
      return { revision }
    }
  }
}) as object

/** A session user made from its fields: the form a session holds. */
export function sessionUserOf (fields: SessionUser): SessionUser {
  return Object.getPrototypeOf(fields) === SESSION_USER ? fields : Object.assign(Object.create(SESSION_USER) as SessionUser, fields)
}

/** The user's fields as plain data, for a store that serialises it. */
export function userData (user: SessionUser): SessionUser {
  return { ...user }
}

/**
 * The signed-in user as the session keeps it, from a verified login, with
 * the login's assurance as the callback assessed it (the claims it came
 * from, `auth_time` among them, are not all kept).
 */
export function toSessionUser (claims: IdTokenClaims, tokens: TokenSet, maxAgeSeconds: number, assurance?: LoginAssurance, now = Date.now()): SessionUser {
  const kept: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(claims)) {
    if (!PROTOCOL_CLAIMS.includes(name)) kept[name] = value
  }
  return sessionUserOf({
    sub: claims.sub,
    // The provider's sid lets a back-channel logout find this session; without
    // one, a random id still binds /logout to this session.
    sid: typeof claims.sid === 'string' ? claims.sid : randomUUID(),
    claims: kept,
    tokens,
    signedInAt: now,
    expiresAt: now + maxAgeSeconds * 1000,
    ...(assurance === undefined ? {} : { assurance })
  })
}
