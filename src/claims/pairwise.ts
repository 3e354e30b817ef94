import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

/** The HKDF info of the pairwise keys: no other keyed hash of the gateway shares it. */
const PURPOSE = 'pairwise-subject'
const IV_BYTES = 12
const TAG_BYTES = 16
/** Audiences are few (forward-auth rules, calling services); their keys are derived once each. */
const MAX_CACHED_AUDIENCES = 1024

/**
 * Pairwise pseudonymous identifiers (the idea of OpenID Connect Core 8.1): one
 * person gets a different identifier at each audience, stable over time, so
 * two services can neither link their users nor learn the provider's `sub`.
 */
export interface PairwiseSubjects {
  /** The identifier of `sub` at `audience`: base64url, about 1.3 × the subject's length plus 38. */
  of (sub: string, audience: string): string
  /** The subject behind a pairwise id of `audience`, or undefined when it is not one this gateway made for that audience. */
  subjectOf (id: string, audience: string): string | undefined
}

interface AudienceKeys { readonly iv: Buffer, readonly enc: Buffer }

/**
 * Each audience has two keys, derived (HKDF-SHA256) from `secret` for this
 * purpose and that audience. A keyed hash of the subject (HMAC-SHA256 under
 * the first) is the nonce with which the subject is encrypted (AES-256-GCM
 * under the second), the construction of a synthetic-IV cipher: the same
 * person at the same audience always gets the same id; two audiences' ids of
 * one person share nothing; without the secret an id names nobody; and the
 * gateway, alone, can turn an id back into the person, so a service can look
 * someone up by the id it was given, with nothing stored anywhere.
 */
export function pairwiseSubjects (secret: string): PairwiseSubjects {
  if (secret === '') throw new TypeError('pairwiseSubjects needs a secret')
  const master = Buffer.from(hkdfSync('sha256', secret, 'eid-bff-gateway', PURPOSE, 32))
  const cache = new Map<string, AudienceKeys>()

  function keysOf (audience: string): AudienceKeys {
    let keys = cache.get(audience)
    if (keys === undefined) {
      keys = {
        iv: Buffer.from(hkdfSync('sha256', master, '', `iv:${audience}`, 32)),
        enc: Buffer.from(hkdfSync('sha256', master, '', `enc:${audience}`, 32))
      }
      if (cache.size >= MAX_CACHED_AUDIENCES) cache.clear()
      cache.set(audience, keys)
    }
    return keys
  }

  function nonceOf (keys: AudienceKeys, sub: string): Buffer {
    return createHmac('sha256', keys.iv).update(sub).digest().subarray(0, IV_BYTES)
  }

  return {
    of (sub, audience) {
      const keys = keysOf(audience)
      const iv = nonceOf(keys, sub)
      const cipher = createCipheriv('aes-256-gcm', keys.enc, iv).setAAD(Buffer.from(audience))
      const body = Buffer.concat([cipher.update(sub, 'utf8'), cipher.final()])
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
    },

    subjectOf (id, audience) {
      if (!/^[A-Za-z0-9_-]{38,4096}$/.test(id)) return undefined
      const raw = Buffer.from(id, 'base64url')
      if (raw.length <= IV_BYTES + TAG_BYTES) return undefined
      const keys = keysOf(audience)
      const iv = raw.subarray(0, IV_BYTES)
      let sub: string
      try {
        const decipher = createDecipheriv('aes-256-gcm', keys.enc, iv)
          .setAAD(Buffer.from(audience))
          .setAuthTag(raw.subarray(raw.length - TAG_BYTES))
        sub = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8')
      } catch {
        return undefined
      }
      // Only the one id the gateway hands out for this person counts, never another spelling of it.
      return timingSafeEqual(nonceOf(keys, sub), iv) && raw.toString('base64url') === id ? sub : undefined
    }
  }
}
