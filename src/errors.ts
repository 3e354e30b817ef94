/** Stable, public error codes: clients may branch on them, so never rename one. */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_state'
  | 'invalid_grant'
  | 'id_token_invalid'
  | 'issuer_mismatch'
  | 'access_denied'
  | 'login_failed'
  | 'unauthenticated'
  | 'invalid_sid'
  | 'logout_token_invalid'
  | 'not_found'
  | 'provider_error'
  | 'provider_unavailable'
  | 'provider_timeout'
  | 'session_store_unavailable'
  | 'request_timeout'
  | 'rate_limited'
  | 'csrf_required'
  | 'cross_site_request'
  | 'headers_too_large'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_assurance'
  | 'step_up_subject_mismatch'
  | 'insufficient_user_authentication'
  | 'internal_error'

export interface GatewayErrorOptions extends ErrorOptions {
  /** The `WWW-Authenticate` challenge that goes with a 401 or 403 (RFC 6750, RFC 9470). */
  readonly challenge?: string
}

export class GatewayError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly challenge: string | undefined

  constructor (code: ErrorCode, message: string, statusCode = 400, options?: GatewayErrorOptions) {
    // These are answers, not faults: their stack is never logged, and capturing
    // one was the costliest step of refusing a request (docs/performance.md). A
    // cause keeps its own stack.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      super(message, options)
    } finally {
      Error.stackTraceLimit = stackTraceLimit
    }
    this.name = 'GatewayError'
    this.code = code
    this.statusCode = statusCode
    this.challenge = options?.challenge
  }
}

/** Thrown by loadConfig: its message starts with the variable's name and never holds a secret. */
export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}
