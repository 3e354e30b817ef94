import { compactDecrypt, decodeProtectedHeader } from 'jose'
import { GatewayError } from '../errors.js'
import type { ClientKey } from './client-keys.js'

/** The content encryption algorithms accepted, as openid-client accepts them for ID tokens. */
const CONTENT_ENCRYPTION = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512']

/**
 * The signed token inside a logout token the provider encrypted (JWE), or the
 * token as it came when it is not encrypted. Back-Channel Logout 1.0 (2.4)
 * encrypts logout tokens with the client's ID token encryption settings, so
 * a provider that encrypts ID tokens to the gateway encrypts these too;
 * openid-client decrypts ID tokens, but logout tokens are the gateway's own
 * to check. Only the configured key and its algorithm decrypt.
 */
export async function decryptLogoutToken (token: string, key: ClientKey | undefined): Promise<string> {
  if (token.split('.').length !== 5) return token
  const refuse = (cause?: unknown): never => {
    throw new GatewayError('logout_token_invalid', 'The logout token could not be decrypted', 400, cause === undefined ? undefined : { cause })
  }
  if (key === undefined) refuse()
  const decryption = key as ClientKey
  try {
    const { kid } = decodeProtectedHeader(token)
    if (kid !== undefined && kid !== decryption.kid) refuse()
    const { plaintext } = await compactDecrypt(token, decryption.key, {
      keyManagementAlgorithms: [decryption.alg],
      contentEncryptionAlgorithms: CONTENT_ENCRYPTION
    })
    return new TextDecoder().decode(plaintext)
  } catch (error) {
    if (error instanceof GatewayError) throw error
    return refuse(error)
  }
}
