/** What @fastify/cookie's Signer does: `<value>.<HMAC>`, the first secret signs, every secret verifies. */
export interface Signer {
  sign (value: string): string
  unsign (signed: string): { valid: boolean, renew: boolean, value: string | null }
}

type Unsigned = ReturnType<Signer['unsign']>

/**
 * A Signer that answers the library, once and without a second HMAC, what
 * the session's loader has just verified: @fastify/session checks the
 * cookie again and signs the id again for every restored session, which
 * would triple the one HMAC a signed-in request needs.
 */
export class HandoffSigner implements Signer {
  readonly #signer: Signer
  #verified: { readonly signed: string, readonly result: Unsigned } | undefined

  constructor (signer: Signer) {
    this.#signer = signer
  }

  /** Checks a cookie's signature (the one HMAC). */
  verify (signed: string): Unsigned {
    return this.#signer.unsign(signed)
  }

  /** What `unsign(signed)` and `sign(value)` answer next, for a cookie just verified. */
  handOff (signed: string, result: Unsigned): void {
    this.#verified = { signed, result }
  }

  unsign (signed: string): Unsigned {
    const verified = this.#verified
    return verified?.signed === signed ? verified.result : this.#signer.unsign(signed)
  }

  sign (value: string): string {
    const verified = this.#verified
    this.#verified = undefined
    if (verified !== undefined && verified.result.valid && !verified.result.renew && verified.result.value === value) return verified.signed
    return this.#signer.sign(value)
  }
}
