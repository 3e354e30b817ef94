/** JSON schemas shared by routes. Response schemas are allow-lists: unnamed fields never leave. */

export const errorSchema = {
  $id: 'error',
  description: 'Every error answer: a stable code to branch on, and a message for people (never a token, code, claim or secret)',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Stable lower snake_case code, e.g. `invalid_request`, `unauthenticated`, `provider_unavailable`', examples: ['unauthenticated'] },
    message: { type: 'string', description: 'For people; not for parsing', examples: ['Sign in first'] }
  },
  additionalProperties: false
} as const

const addressSchema = {
  type: 'object',
  properties: {
    formatted: { type: 'string' },
    streetAddress: { type: 'string' },
    postalCode: { type: 'string' },
    locality: { type: 'string' },
    country: { type: 'string' }
  },
  additionalProperties: false
} as const

export const profileSchema = {
  $id: 'profile',
  description: 'The signed-in person, mapped from the verified ID token. A claim the provider did not send (or that fails its check) is left out, never invented; a field not named here never reaches the browser.',
  type: 'object',
  required: ['sub'],
  properties: {
    sub: { type: 'string', description: 'The provider\'s stable subject identifier', examples: ['oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}'] },
    name: { type: 'string' },
    givenName: { type: 'string' },
    familyName: { type: 'string' },
    birthdate: { type: 'string', description: 'OIDC `birthdate`: YYYY-MM-DD (or YYYY alone)', examples: ['1965-07-08'] },
    gender: { type: 'string' },
    nationalNumber: { type: 'string', description: 'Belgian national register number (11 digits), only when its check digits are right', examples: ['65070862267'] },
    nationalId: {
      description: 'The national identifier the signed-in eID asserts, with its country and kind, only when it passes that country\'s check',
      type: 'object',
      required: ['country', 'type', 'value'],
      properties: {
        country: { type: 'string' },
        type: { type: 'string' },
        value: { type: 'string' }
      },
      additionalProperties: false
    },
    address: addressSchema,
    eid: { type: 'string', description: 'The eID used to sign in', examples: ['itsme'] },
    session: {
      description: 'This gateway session (tokens never leave the gateway)',
      type: 'object',
      required: ['sid', 'expiresAt', 'logoutUrl'],
      properties: {
        sid: { type: 'string', description: 'The session\'s id at the provider; `/logout` requires it' },
        expiresAt: { type: 'string', format: 'date-time', description: 'When the session ends if the user does nothing more (idle timeout, capped by the absolute lifetime)' },
        logoutUrl: { type: 'string', description: 'Where to send the browser to sign out', examples: ['/logout?sid=…'] }
      },
      additionalProperties: false
    }
  },
  additionalProperties: false
} as const

export const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'ready', 'not_ready'], description: '`ok` from /healthz; `ready` or `not_ready` from /readyz' },
    checks: {
      type: 'object',
      properties: {
        provider: { type: 'string', enum: ['ok', 'discovering'], description: 'Whether the provider\'s metadata is loaded' },
        sessionStore: { type: 'string', enum: ['ok', 'unavailable', 'timeout'], description: 'Whether the session store answered a ping within a second' }
      },
      additionalProperties: false
    }
  },
  additionalProperties: false
} as const

/** For redirects: the body is empty. */
export const redirectSchema = { type: 'null' } as const

/**
 * Registered once with `app.addSchema` (plugins/openapi.ts). Routes point at
 * them with `{ $ref: 'error#' }` and `{ $ref: 'profile#' }`; the OpenAPI
 * document lists each once, as a component.
 */
export const sharedSchemas = [errorSchema, profileSchema] as const

export interface ResponseHeader { readonly type: 'string' | 'integer', readonly description: string }

/** A redirect: no body, the target in `Location`. */
export function redirectResponse (description: string, location: string, headers: Readonly<Record<string, ResponseHeader>> = {}) {
  return { type: 'null', description, headers: { location: { type: 'string', description: location }, ...headers } } as const
}

const RETRY_AFTER: ResponseHeader = { type: 'integer', description: 'Seconds until the rate limit lets this client in again' }

/**
 * Error answers in the one error shape, described per status (say which codes
 * come with it). `500` is always there; `4xx` and `5xx` stay as catch-alls, so
 * an unexpected status is still serialised through the allow-list.
 */
export function errorResponses (described: Readonly<Record<number, string>>) {
  const responses: Record<string, { $ref: 'error#', description: string, headers?: Record<string, ResponseHeader> }> = {}
  for (const [status, description] of Object.entries(described)) {
    responses[status] = status === '429'
      ? { $ref: 'error#', description, headers: { 'retry-after': RETRY_AFTER } }
      : { $ref: 'error#', description }
  }
  responses[500] ??= { $ref: 'error#', description: '`internal_error`: something failed on our side; the message never carries details' }
  responses['4xx'] = { $ref: 'error#', description: 'Any other client error (e.g. `invalid_request` for a body too large or of the wrong type)' }
  responses['5xx'] = { $ref: 'error#', description: 'Any other server error' }
  return responses
}
