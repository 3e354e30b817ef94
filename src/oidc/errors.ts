import * as client from 'openid-client'
import { errors as joseErrors } from 'jose'
import { GatewayError } from '../errors.js'

const UNVERIFIABLE = 'The identity provider\'s response could not be verified'

/**
 * Turns what openid-client or jose threw during a login into a GatewayError
 * with a stable code. The original stays as `cause` for debugging, but its
 * message is never shown: those errors can carry token contents.
 */
export function toLoginError (error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  if (error instanceof client.AuthorizationResponseError) {
    return error.error === 'access_denied'
      ? new GatewayError('access_denied', 'The login was cancelled or refused at the identity provider', 403, { cause: error })
      : new GatewayError('login_failed', 'The identity provider ended the login with an error', 400, { cause: error })
  }
  if (error instanceof client.ResponseBodyError) {
    return error.error === 'invalid_grant'
      ? new GatewayError('invalid_grant', 'The authorization code is invalid, expired or already used', 400, { cause: error })
      : new GatewayError('provider_error', 'The identity provider refused the token request', 502, { cause: error })
  }
  const network = toNetworkError(error)
  if (network !== undefined) return network
  if (error instanceof joseErrors.JOSEError || error instanceof client.ClientError) {
    return new GatewayError('id_token_invalid', UNVERIFIABLE, 400, { cause: error })
  }
  return new GatewayError('provider_error', UNVERIFIABLE, 502, { cause: error })
}

/**
 * A refused refresh grant (revoked, expired, reused, or an ID token for
 * another user) ends the session: 401 `unauthenticated`. An unreachable provider
 * ends nothing: 502/504, so the session can be renewed once it is back.
 */
export function toRefreshError (error: unknown): GatewayError {
  if (error instanceof GatewayError && error.statusCode !== 400) return error
  const network = toNetworkError(error)
  if (network !== undefined) return network
  if (error instanceof client.ResponseBodyError && error.status >= 500) {
    return new GatewayError('provider_error', 'The identity provider failed to renew the session', 502, { cause: error })
  }
  return new GatewayError('unauthenticated', 'The session has ended at the identity provider; sign in again', 401, { cause: error })
}

/** A provider that could not be reached (502) or did not answer in time (504). */
export function toNetworkError (error: unknown): GatewayError | undefined {
  const names = errorChainNames(error)
  if (names.has('TimeoutError') || names.has('AbortError') || names.has('JWKSTimeout')) {
    return new GatewayError('provider_timeout', 'The identity provider did not answer in time', 504, { cause: error })
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    return new GatewayError('provider_unavailable', 'The identity provider cannot be reached', 502, { cause: error })
  }
  if (error instanceof client.ClientError && (error.code === 'OAUTH_RESPONSE_IS_NOT_JSON' || error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') && names.has('TypeError')) {
    return new GatewayError('provider_unavailable', 'The identity provider cannot be reached', 502, { cause: error })
  }
  if (names.has('ECONNREFUSED') || names.has('ECONNRESET') || names.has('ENOTFOUND') || names.has('UND_ERR_SOCKET')) {
    return new GatewayError('provider_unavailable', 'The identity provider cannot be reached', 502, { cause: error })
  }
  return undefined
}

function errorChainNames (error: unknown): Set<string> {
  const names = new Set<string>()
  let current: unknown = error
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { name, code } = current as { name?: unknown, code?: unknown }
    if (typeof name === 'string') names.add(name)
    if (typeof code === 'string') names.add(code)
    current = (current as { cause?: unknown }).cause
  }
  return names
}
