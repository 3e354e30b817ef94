import { randomBytes } from 'node:crypto'
import { exportJWK, generateKeyPair, type JWK } from 'jose'

/** A fresh RS256 signing key per start: nothing to keep secret across runs. */
export async function generateSigningKey (): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = await exportJWK(privateKey)
  return { ...jwk, kid: `dev-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' }
}

export function randomCookieKey (): string {
  return randomBytes(32).toString('base64url')
}
