import { decodeJwt } from 'jose'
import * as client from 'openid-client'
import type { ApiTokenConfig } from '../config/api-tokens.js'
import { GatewayError } from '../errors.js'
import type { ApiTokenGrant } from '../sessions/api-tokens.js'
import type { TokenSet } from '../sessions/types.js'
import { toNetworkError } from './errors.js'

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
/** How long a token whose expiry neither the answer nor the token tells is kept. */
const UNTOLD_LIFETIME_SECONDS = 300

/**
 * One service's own access token: the session's refresh token with Auth0's
 * `audience` (Multi-Resource Refresh Token) or an RFC 8707 `resource`, and
 * the service's scopes; or, with `exchange`, an RFC 8693 token exchange of
 * the session's access token. The token must be a JWT whose `aud` names the
 * service: Auth0 answers an audience outside the application's refresh-token
 * policies with a token for its default audience instead of an error, and
 * that token must not reach this service.
 */
export async function requestApiToken (configuration: client.Configuration, settings: ApiTokenConfig, tokens: TokenSet): Promise<ApiTokenGrant> {
  const parameters: Record<string, string> = { [settings.parameter]: settings.target }
  if (settings.scope !== undefined) parameters.scope = settings.scope
  let response: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers
  try {
    if (settings.grant === 'token_exchange') {
      response = await client.genericGrantRequest(configuration, TOKEN_EXCHANGE, {
        ...parameters,
        subject_token: tokens.accessToken,
        subject_token_type: ACCESS_TOKEN_TYPE,
        requested_token_type: ACCESS_TOKEN_TYPE
      })
    } else {
      if (tokens.refreshToken === undefined) {
        throw new GatewayError('provider_error', 'The session has no refresh token to get this service\'s token with', 502)
      }
      response = await client.refreshTokenGrant(configuration, tokens.refreshToken, parameters)
    }
  } catch (error) {
    throw toApiTokenError(error, settings)
  }
  const refreshToken = settings.grant === 'token_exchange' ? undefined : response.refresh_token
  if (settings.grant === 'token_exchange' && response.issued_token_type !== ACCESS_TOKEN_TYPE) {
    return { refused: refusedToken('The identity provider exchanged the session\'s token for something other than an access token'), refreshToken }
  }
  const claims = claimsForTarget(response.access_token, settings.target)
  // Refused, but the grant may have rotated the refresh token: the caller keeps the new one.
  if (claims instanceof GatewayError) return { refused: claims, refreshToken }
  const now = Date.now()
  const lifetime = response.expiresIn() ?? (typeof claims.exp === 'number' ? claims.exp - Math.floor(now / 1000) : UNTOLD_LIFETIME_SECONDS)
  return {
    accessToken: response.access_token,
    expiresAt: now + Math.max(0, lifetime) * 1000,
    scope: response.scope ?? settings.scope,
    refreshToken
  }
}

/**
 * The token's claims when its `aud` names the service; else why not. Its
 * signature is not checked: the token comes straight from the provider's
 * token endpoint, and the check is against the provider's own substitution,
 * not a forgery. An opaque or encrypted token cannot show whose it is, so
 * it is refused.
 */
function claimsForTarget (accessToken: string, target: string): { exp?: unknown } | GatewayError {
  let claims: { aud?: unknown, exp?: unknown }
  try {
    claims = decodeJwt(accessToken)
  } catch {
    return refusedToken('The identity provider issued a token for this service that does not show whose it is')
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  return audiences.includes(target) ? claims : refusedToken('The identity provider issued a token for another service')
}

function refusedToken (message: string): GatewayError {
  return new GatewayError('provider_error', message, 502)
}

/**
 * A refresh token the provider no longer honours ends the session (401),
 * as with the login's own refresh. Anything else the provider refuses (the
 * resource, the audience, a scope, the exchange) is between the gateway's
 * configuration and the provider's, nothing the person can change by
 * signing in again: a 502 `provider_error`, and the session stays.
 */
function toApiTokenError (error: unknown, settings: ApiTokenConfig): GatewayError {
  if (error instanceof GatewayError) return error
  const network = toNetworkError(error)
  if (network !== undefined) return network
  if (error instanceof client.ResponseBodyError) {
    if (error.error === 'invalid_grant' && settings.grant === 'refresh_token') {
      return new GatewayError('unauthenticated', 'The session has ended at the identity provider; sign in again', 401, { cause: error })
    }
    return new GatewayError('provider_error', error.status >= 500
      ? 'The identity provider failed to issue a token for this service'
      : 'The identity provider refused a token for this service', 502, { cause: error })
  }
  return new GatewayError('provider_error', 'The identity provider\'s token for this service could not be verified', 502, { cause: error })
}
