import { createHmac, timingSafeEqual } from 'node:crypto'

export interface Unsigned {
  readonly valid: boolean
  /** Signed with an older secret of the rotation list: worth re-signing. */
  readonly renew: boolean
  readonly value: string | null
}

const INVALID: Unsigned = { valid: false, renew: false, value: null }

/**
 * The session cookie's signature: `<id>.<HMAC-SHA256, base64 without
 * padding>`, the format of @fastify/cookie's Signer. The first secret signs;
 * every secret of the rotation list verifies, and a cookie signed with an
 * older one asks to be signed again.
 */
export class SessionCookieSigner {
  readonly #secrets: readonly string[]

  constructor (secrets: readonly string[]) {
    if (secrets.length === 0) throw new TypeError('SessionCookieSigner needs at least one secret')
    this.#secrets = secrets
  }

  sign (value: string): string {
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
        return { valid: true, renew: index !== 0, value }
      }
    }
    return INVALID
  }
}

function mac (value: string, secret: string): string {
  return createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')
}
