import { jwtVerify, createRemoteJWKSet, type JWTPayload } from 'jose'
import { GatewayError } from '../errors.js'
import { toNetworkError } from './errors.js'

export type KeySet = ReturnType<typeof createRemoteJWKSet>

export interface TokenVerifier {
  readonly issuer: string
  readonly clientId: string
  readonly keys: KeySet
  readonly algorithms: readonly string[]
}

export type IdTokenClaims = JWTPayload & { sub: string, nonce: string, sid?: string }
export interface LogoutClaims { readonly sid: string | undefined, readonly sub: string | undefined, readonly jti: string, readonly exp: number }

const CLOCK_TOLERANCE_SECONDS = 5
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'
/**
 * Oldest `iat` accepted. Setting one also makes jose refuse an `iat` in the
 * future, which it otherwise lets through. An ID token is minted at the code
 * exchange we just made; a logout token is sent as soon as it is minted.
 */
const ID_TOKEN_MAX_AGE_SECONDS = 600
const LOGOUT_TOKEN_MAX_AGE_SECONDS = 300

/** One remote key set per process: fetched lazily, cached, refetched on an unknown `kid` (with a cooldown). */
export function createKeySet (jwksUri: URL, timeoutMs: number, cooldownMs: number): KeySet {
  return createRemoteJWKSet(jwksUri, {
    timeoutDuration: timeoutMs,
    cooldownDuration: cooldownMs,
    cacheMaxAge: 10 * 60_000
  })
}

/** The provider's advertised signing algorithms we accept: asymmetric only, never `none` or HMAC. */
export function allowedAlgorithms (advertised: readonly string[] | undefined): string[] {
  const allowed = (advertised ?? []).filter((alg) => ASYMMETRIC.test(alg))
  return allowed.length > 0 ? allowed : ['RS256']
}

/**
 * Verifies an ID token independently of the library that fetched it:
 * signature against the provider's JWKS, allowed `alg`, `iss`, `aud`, `exp`,
 * `iat`, `nonce`, and `azp` when present or when there are several audiences.
 */
export async function verifyIdToken (verifier: TokenVerifier, idToken: string, expectedNonce: string): Promise<IdTokenClaims> {
  const payload = await verifyJwt(verifier, idToken, ['iss', 'sub', 'aud', 'exp', 'iat', 'nonce'], ID_TOKEN_MAX_AGE_SECONDS, 'id_token_invalid')
  const reject = (message: string): never => { throw new GatewayError('id_token_invalid', message, 400) }
  if (payload.nonce !== expectedNonce) reject('The ID token does not belong to this login')
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
  if ((audiences.length > 1 || payload.azp !== undefined) && payload.azp !== verifier.clientId) {
    reject('The ID token was issued to another party')
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') reject('The ID token has no subject')
  if (payload.sid !== undefined && typeof payload.sid !== 'string') reject('The ID token has a malformed sid')
  return payload as IdTokenClaims
}

/**
 * An ID token from a refresh grant (OIDC Core 12.2): signed by the provider,
 * for us, and about the same user; it carries no nonce of ours to check.
 */
export async function verifyRefreshedIdToken (verifier: TokenVerifier, idToken: string, expectedSub: string): Promise<JWTPayload> {
  const payload = await verifyJwt(verifier, idToken, ['iss', 'sub', 'aud', 'exp', 'iat'], ID_TOKEN_MAX_AGE_SECONDS, 'id_token_invalid')
  if (payload.sub !== expectedSub) throw new GatewayError('id_token_invalid', 'The renewed ID token is about another user', 400)
  return payload
}

/** Validates a logout token per OpenID Connect Back-Channel Logout 1.0, section 2.6. */
export async function verifyLogoutToken (verifier: TokenVerifier, logoutToken: string): Promise<LogoutClaims> {
  const payload = await verifyJwt(verifier, logoutToken, ['iss', 'aud', 'iat', 'exp', 'jti', 'events'], LOGOUT_TOKEN_MAX_AGE_SECONDS, 'logout_token_invalid', 'logout+jwt')
  const reject = (message: string): never => { throw new GatewayError('logout_token_invalid', message, 400) }
  const events = payload.events
  if (typeof events !== 'object' || events === null || typeof (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] !== 'object') {
    reject('The logout token has no back-channel logout event')
  }
  if ('nonce' in payload) reject('A logout token must not carry a nonce')
  const sid = typeof payload.sid === 'string' && payload.sid !== '' ? payload.sid : undefined
  const sub = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined
  if (sid === undefined && sub === undefined) reject('The logout token names neither a session nor a subject')
  if (typeof payload.jti !== 'string' || payload.jti === '') reject('The logout token has no jti')
  return { sid, sub, jti: payload.jti as string, exp: payload.exp as number }
}

async function verifyJwt (verifier: TokenVerifier, token: string, requiredClaims: string[], maxTokenAgeSeconds: number, code: 'id_token_invalid' | 'logout_token_invalid', typ?: string): Promise<JWTPayload> {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, verifier.keys, {
      issuer: verifier.issuer,
      audience: verifier.clientId,
      algorithms: [...verifier.algorithms],
      requiredClaims,
      maxTokenAge: maxTokenAgeSeconds,
      clockTolerance: CLOCK_TOLERANCE_SECONDS
    })
    // `logout+jwt` is recommended, not required, so only a wrong explicit type is refused.
    if (typ !== undefined && protectedHeader.typ !== undefined && !/^(application\/)?(logout\+)?jwt$/i.test(protectedHeader.typ)) {
      throw new GatewayError(code, 'The token has the wrong type', 400)
    }
    return payload
  } catch (error) {
    if (error instanceof GatewayError) throw error
    // The key set is fetched on first use and on an unknown kid: the provider may be down then.
    const network = toNetworkError(error)
    if (network !== undefined) throw network
    throw new GatewayError(code, code === 'id_token_invalid' ? 'The ID token could not be verified' : 'The logout token could not be verified', 400, { cause: error })
  }
}
