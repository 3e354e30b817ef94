import { GatewayError } from '../errors.js'

/** A person as a service names them, and who that is. */
export interface ServiceSubject {
  /** The provider's `sub`. */
  readonly sub: string
  /** How answers name the person to this caller: its pairwise id, or the `sub` itself with `claims:sub`. */
  readonly id: string
}

/** The scope that lets a service name people by their provider `sub`, instead of its own pairwise ids. */
export const RAW_SUBJECT_SCOPE = 'claims:sub'

/** A verified service token that carries none of `scopes`: 403 with the RFC 6750 challenge naming them. */
export function insufficientScope (scopes: readonly string[]): GatewayError {
  return new GatewayError('insufficient_scope', `The token carries none of the scopes ${scopes.join(', ')}`, 403, {
    challenge: `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`
  })
}
