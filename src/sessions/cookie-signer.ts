import { createHmac, timingSafeEqual } from 'node:crypto'

export interface Unsigned {
  readonly valid: boolean
  /** Signed with an older secret of the rotation list: worth re-signing. */
  readonly renew: boolean
  readonly value: string | null
}

/** How many verified ids wait for @fastify/session to sign them again; the oldest go first. */
const MAX_REMEMBERED = 1024

const INVALID: Unsigned = { valid: false, renew: false, value: null }

/**
 * The session cookie's signature (`<id>.<HMAC-SHA256, base64 without
 * padding>`, the format of @fastify/cookie's Signer, so cookies stay valid),
 * with one HMAC per request instead of two: @fastify/session verifies the
 * cookie, then signs the same id again when it rebuilds the session. An id
 * just verified with the current secret already has that signature, so
 * `sign` hands it back instead of computing it a second time. Only what
 * `unsign` proved is remembered; HMAC is deterministic, so the answer is the
 * one `sign` would have computed.
 */
export class SessionCookieSigner {
  readonly #secrets: readonly string[]
  readonly #verified = new Map<string, string>()

  constructor (secrets: readonly string[]) {
    if (secrets.length === 0) throw new TypeError('SessionCookieSigner needs at least one secret')
    this.#secrets = secrets
  }

  sign (value: string): string {
    const known = this.#verified.get(value)
    if (known !== undefined) {
      this.#verified.delete(value)
      return known
    }
    return `${value}.${mac(value, this.#secrets[0] as string)}`
  }

  unsign (signed: string): Unsigned {
    if (typeof signed !== 'string') return INVALID
    const dot = signed.lastIndexOf('.')
    if (dot <= 0 || dot === signed.length - 1) return INVALID
    const value = signed.slice(0, dot)
    const actual = Buffer.from(signed.slice(dot + 1))
    for (const [index, secret] of this.#secrets.entries()) {
      const expected = Buffer.from(mac(value, secret))
      if (expected.length === actual.length && timingSafeEqual(expected, actual)) {
        if (index === 0) this.#remember(value, signed)
        return { valid: true, renew: index !== 0, value }
      }
    }
    return INVALID
  }

  #remember (value: string, signed: string): void {
    if (this.#verified.size >= MAX_REMEMBERED) {
      const oldest = this.#verified.keys().next().value
      if (oldest !== undefined) this.#verified.delete(oldest)
    }
    this.#verified.set(value, signed)
  }
}

function mac (value: string, secret: string): string {
  return createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')
}
