/**
 * What a forward-auth rule may hand a protected service, each in a header of
 * its own, in the `X-Auth-Request-*` family oauth2-proxy made the common
 * contract of nginx `auth_request` setups. Nothing goes unless a rule names it.
 */
export const IDENTITY_HEADERS = {
  /** A pairwise pseudonymous id for the rule's audience; the provider's `sub` only with `"subject": "sub"`. */
  user: 'x-auth-request-user',
  /** The `email` claim, unless `email_verified` is false. */
  email: 'x-auth-request-email',
  name: 'x-auth-request-name',
  givenName: 'x-auth-request-given-name',
  familyName: 'x-auth-request-family-name',
  /** YYYY-MM-DD, or YYYY alone. */
  birthdate: 'x-auth-request-birthdate',
  /** `true` or `false`, computed on the day; absent when the birth date cannot tell. */
  ageOver18: 'x-auth-request-age-over-18',
  ageOver21: 'x-auth-request-age-over-21',
  eid: 'x-auth-request-eid',
  /** The Belgian national register number (itsme). */
  nationalNumber: 'x-auth-request-national-number',
  /** `<country>:<type>:<value>`, e.g. `BE:rrn:65070862267`. */
  nationalId: 'x-auth-request-national-id',
  /** The eIDAS level of assurance the login reached (`low`, `substantial`, `high`); absent when it proved none. */
  level: 'x-auth-request-level'
} as const

export type IdentityField = keyof typeof IDENTITY_HEADERS

export const IDENTITY_FIELDS = Object.keys(IDENTITY_HEADERS) as IdentityField[]

/** The access token, as oauth2-proxy's `--pass-access-token` sends it. */
export const ACCESS_TOKEN_HEADER = 'x-auth-request-access-token'

/** On a 401: where to send the browser to sign in and come back (`/login?returnTo=…`). */
export const LOGIN_HEADER = 'x-auth-request-login'

/**
 * Every header an answer may set for the protected service: a proxy must
 * override (or remove) each of them on every protected request, so that a
 * browser cannot send its own.
 */
export const UPSTREAM_HEADERS: readonly string[] = [...Object.values(IDENTITY_HEADERS), ACCESS_TOKEN_HEADER]
