import type { ErrorCode } from '../errors.js'

/** The statuses an error answer comes with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 413 | 415 | 429 | 431 | 500 | 502 | 503 | 504

/** A code's statuses, each with what the code means under it, in one line. */
export type ErrorCodeMeanings = { readonly [status in ErrorStatus]?: string }

/**
 * Every public error code, described once: the status it is answered with
 * and what it means. The OpenAPI document's error responses are generated
 * from this (./responses.ts); a code added to ErrorCode without a row here
 * does not compile. Meanings are for the route-independent reader: a route
 * says in its own description what is particular to it.
 */
export const ERROR_CODES: { readonly [code in ErrorCode]: ErrorCodeMeanings } = {
  invalid_request: {
    400: 'the request is malformed, or a parameter is missing or refused by the schema',
    413: 'the body is larger than this route accepts',
    415: 'the body is not of the type this route accepts'
  },
  invalid_state: { 400: 'the login is unknown, replayed, expired or another browser\'s' },
  invalid_grant: { 400: 'the provider refused the authorization code (invalid, expired or already used)' },
  id_token_invalid: { 400: 'the ID token failed verification (signature, `alg`, `iss`, `aud`, `azp`, `exp`, `iat` or `nonce`)' },
  issuer_mismatch: { 400: 'the authorization response names another issuer than ours (RFC 9207 `iss`)' },
  access_denied: { 403: 'the person cancelled the login, or the provider refused it' },
  login_failed: { 400: 'the provider ended the login with another error' },
  unauthenticated: { 401: 'not signed in (no session, an expired one, or one the provider has ended), or no token where this route needs one' },
  invalid_sid: { 400: 'the `sid` is missing or not this session\'s; the session is kept' },
  logout_token_invalid: { 400: 'the logout token failed verification (signature or claims) or was already used' },
  not_found: { 404: 'nothing here: no such route, or no claims for this subject (not signed in since they expired, or signed out)' },
  provider_error: { 502: 'the provider answered with an error (it refused the token request, or failed)' },
  provider_unavailable: {
    502: 'the provider (or its keys) could not be reached',
    503: 'the provider\'s metadata is not loaded yet'
  },
  provider_timeout: { 504: 'the provider did not answer in time' },
  session_store_unavailable: { 503: 'the session store did not answer; no session is ended by it' },
  request_timeout: { 408: 'the request took too long to arrive' },
  rate_limited: { 429: 'too many requests from this client (its address, or the calling service); `Retry-After` says when to come back' },
  csrf_required: { 403: 'the header `X-CSRF: 1` is missing' },
  cross_site_request: { 403: 'the call came from another site or origin' },
  headers_too_large: { 431: 'the request headers (cookies included) are too large' },
  upstream_unavailable: { 502: 'the service behind this route refused the connection or broke it' },
  upstream_timeout: { 504: 'the service behind this route did not answer in time' },
  invalid_token: { 401: 'the bearer token is unverifiable, expired, for another audience, or a user\'s token' },
  insufficient_scope: { 403: 'the token carries none of the scopes this route needs' },
  insufficient_assurance: { 403: 'the login reached a lower eIDAS level than its eID asked for, or a step-up did not authenticate again; no new session' },
  step_up_subject_mismatch: { 403: 'a step-up signed in another person than the session\'s; the session stays as it was' },
  insufficient_user_authentication: { 401: 'the login is below the level, or older than the age, this service needs (RFC 9470); `WWW-Authenticate` says how to step up' },
  internal_error: { 500: 'something failed on our side; the message never carries details' }
}
