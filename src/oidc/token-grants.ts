import * as client from 'openid-client'
import type { OidcConfig } from '../config/index.js'
import { GatewayError } from '../errors.js'
import type { LoginTransaction, TokenSet } from '../sessions/types.js'
import type { Provider } from './discovery.js'
import { toLoginError, toRefreshError } from './errors.js'
import { assertOrganization } from './organization.js'
import { loginChecksOf } from './silent-login.js'
import { verifyIdToken, verifyRefreshedIdToken, type IdTokenClaims } from './tokens.js'

export interface LoginResult {
  readonly tokens: TokenSet
  readonly claims: IdTokenClaims
}

/**
 * RFC 9207: the authorization response names its issuer, so a response that
 * another provider produced (a mix-up attack) is refused before its code is
 * sent anywhere. openid-client checks this too; checking first gives a clear code.
 */
export function assertSameIssuer (configuration: client.Configuration, iss: string | null): void {
  const metadata = configuration.serverMetadata()
  const expected = iss === null ? metadata.authorization_response_iss_parameter_supported !== true : iss === metadata.issuer
  if (!expected) {
    throw new GatewayError('issuer_mismatch', 'The authorization response did not come from the expected identity provider', 400)
  }
}

/**
 * The code exchange, authenticated as the client is configured to, with the
 * expected state, nonce, PKCE verifier and (when the login asked one)
 * `max_age`; then the ID token verified again with jose and, with an Auth0
 * organization configured, its organization checked.
 */
export async function exchangeCode (provider: Provider, settings: OidcConfig, callbackUrl: URL, transaction: LoginTransaction): Promise<LoginResult> {
  try {
    const response = await client.authorizationCodeGrant(provider.configuration, callbackUrl, {
      pkceCodeVerifier: transaction.codeVerifier,
      expectedState: transaction.state,
      expectedNonce: transaction.nonce,
      idTokenExpected: true,
      // openid-client then requires auth_time and checks it against max_age.
      maxAge: loginChecksOf(transaction).maxAge
    })
    // An encrypted ID token (JWE) is kept as the signed token inside it: that is what verifies, and what id_token_hint takes.
    const idToken = client.getDecryptedResponses(response)?.id_token?.token_endpoint ?? response.id_token
    if (idToken === undefined) throw new GatewayError('id_token_invalid', 'The identity provider returned no ID token', 400)
    // openid-client checked the claims; the signature is checked here, on its own, with jose.
    const claims = await verifyIdToken(provider.verifier, idToken, transaction.nonce)
    assertOrganization(claims, settings.organization)
    const expiresIn = response.expiresIn()
    return {
      claims,
      tokens: {
        accessToken: response.access_token,
        idToken,
        refreshToken: response.refresh_token,
        accessTokenExpiresAt: expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000,
        scope: response.scope,
        generation: 0
      }
    }
  } catch (error) {
    throw toLoginError(error)
  }
}

/**
 * A refresh-token grant, authenticated as the code exchange was. A new ID
 * token (decrypted when encrypted) must be about the same person and not
 * name another organization; the set keeps the old ID and refresh tokens
 * when the provider sends no new ones.
 */
export async function refreshTokens (provider: Provider, settings: OidcConfig, tokens: TokenSet, sub: string): Promise<TokenSet> {
  if (tokens.refreshToken === undefined) {
    throw new GatewayError('unauthenticated', 'The session cannot be renewed; sign in again', 401)
  }
  try {
    const response = await client.refreshTokenGrant(provider.configuration, tokens.refreshToken)
    const idToken = client.getDecryptedResponses(response) ?? response.id_token
    if (idToken !== undefined) {
      const claims = await verifyRefreshedIdToken(provider.verifier, idToken, sub)
      assertOrganization(claims, settings.organization, { required: false })
    }
    const expiresIn = response.expiresIn()
    return {
      accessToken: response.access_token,
      idToken: idToken ?? tokens.idToken,
      refreshToken: response.refresh_token ?? tokens.refreshToken,
      accessTokenExpiresAt: expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000,
      scope: response.scope ?? tokens.scope,
      generation: tokens.generation + 1
    }
  } catch (error) {
    throw toRefreshError(error)
  }
}
