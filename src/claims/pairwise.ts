import { createHmac, hkdfSync } from 'node:crypto'

/** The HKDF info of the pairwise key: no other keyed hash of the gateway shares it. */
const PURPOSE = 'pairwise-subject'

/**
 * Pairwise pseudonymous identifiers (the idea of OpenID Connect Core 8.1): one
 * person gets a different identifier at each audience, stable over time, so
 * two services can neither link their users nor learn the provider's `sub`.
 */
export interface PairwiseSubjects {
  /** The identifier of `sub` at `audience`: 43 base64url characters. */
  of (sub: string, audience: string): string
}

/**
 * An HMAC-SHA256 of the audience and the subject under a key derived
 * (HKDF-SHA256) from `secret` for this purpose alone. Without the secret the
 * identifiers of one person at two audiences cannot be linked, nor turned back
 * into the `sub`; with a new secret every identifier changes, so the secret
 * must outlive the services that store them.
 */
export function pairwiseSubjects (secret: string): PairwiseSubjects {
  if (secret === '') throw new TypeError('pairwiseSubjects needs a secret')
  const key = Buffer.from(hkdfSync('sha256', secret, 'eid-bff-gateway', PURPOSE, 32))
  return {
    of (sub, audience) {
      // A JSON pair, so no audience and subject can be cut differently into the same input.
      return createHmac('sha256', key).update(JSON.stringify([audience, sub])).digest('base64url')
    }
  }
}
