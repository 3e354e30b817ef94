import { jwtVerify, type JWTPayload } from 'jose'
import { GatewayError } from '../errors.js'
import { toNetworkError } from './errors.js'
import type { TokenVerifier } from './tokens.js'

/** A verified machine-to-machine token: who called, and with which scopes. */
export interface ServiceCaller {
  /** The calling service's client id (`client_id`, else `azp`). */
  readonly clientId: string
  readonly scopes: readonly string[]
}

const CLOCK_TOLERANCE_SECONDS = 5
/** Asymmetric signatures only: `none` and HMAC (which a public key could forge) are refused. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']

/**
 * Verifies a service's bearer token: signed with the provider's keys, issued
 * by it, for `audience`, within `exp`/`nbf`, and issued to a service through
 * the client-credentials grant: its subject is the client itself (RFC 9068),
 * Auth0's `<client_id>@clients`, or absent. A user's access token for the
 * same audience is refused: a service asks with its own identity.
 */
export async function verifyServiceToken (verifier: TokenVerifier, token: string, audience: string): Promise<ServiceCaller> {
  let payload: JWTPayload
  try {
    ({ payload } = await jwtVerify(token, verifier.keys, {
      issuer: verifier.issuer,
      audience,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS
    }))
  } catch (error) {
    const network = toNetworkError(error)
    if (network !== undefined) throw network
    throw invalid('The bearer token could not be verified', error)
  }
  const caller = payload.client_id ?? payload.azp
  if (typeof caller !== 'string' || caller === '') throw invalid('The bearer token names no client')
  const sub = payload.sub
  if (sub !== undefined && sub !== caller && sub !== `${caller}@clients`) {
    throw invalid('The bearer token was issued for a user; use a client-credentials token')
  }
  return { clientId: caller, scopes: readScopes(payload) }
}

/** `scope` as a space-separated string (RFC 9068, Auth0), or `scp` as a list (some providers). */
function readScopes (payload: JWTPayload): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter((scope) => scope !== '')
  if (Array.isArray(payload.scp)) return payload.scp.filter((scope): scope is string => typeof scope === 'string')
  return []
}

function invalid (message: string, cause?: unknown): GatewayError {
  return new GatewayError('invalid_token', message, 401, cause === undefined ? undefined : { cause })
}
