import { LOGIN_HINT_MAX_LENGTH, LOGIN_HINT_PATTERN, MAX_AGE_LIMIT, MAX_AGE_PATTERN, UI_LOCALES_PATTERN } from '../oidc/login-parameters.js'

/** `GET /login`: what it does and the query it reads. */
export const loginDescription = 'Browser navigation. Sends the browser to the provider\'s authorization endpoint (code flow: `response_type=code`, `state`, `nonce`, PKCE `S256`) and binds the login to this browser with a session cookie. Several logins (tabs) may be in progress at once. A parameter not listed here is an `invalid_request`.'

export const loginQuerySchema = {
  type: 'object',
  properties: {
    returnTo: {
      type: 'string',
      maxLength: 2048,
      description: 'Where to land after the login: a same-origin path. Anything else (another origin, `//host`, `/\\host`, control characters) becomes `/`.',
      examples: ['/dashboard']
    },
    eid: {
      type: 'string',
      maxLength: 32,
      description: 'Which eID option to sign in with: a name from `EID_CONNECTIONS`; it picks the Auth0 connection or Idura\'s `acr_values` (and `login_hint` prefix), and the eIDAS level the login must reach (a login that comes back lower is refused with `insufficient_assurance`). Empty or absent: the provider\'s own choice. An unknown name is an `invalid_request`.',
      examples: ['itsme']
    },
    stepUp: {
      type: 'string',
      enum: ['1', 'true', '0', 'false'],
      description: '`1` or `true`: a step-up (RFC 9470) of the signed-in session, e.g. after an API answered `insufficient_user_authentication`. The provider is asked to authenticate the person again (`prompt=login`, `max_age=0`); the same person must sign in (else `step_up_subject_mismatch`), and the session then carries the new login\'s tokens and level under a new cookie value. Without a session it is a plain login. `0`, `false` or absent: a plain login.',
      examples: ['1']
    },
    ...perLoginQueryProperties()
  }
} as const

/**
 * The per-login authorization parameters a frontend may set, passed to the
 * provider as they are (src/oidc/login-parameters.ts checks them again, and
 * bounds `max_age`). Any other value of these is an `invalid_request`.
 */
function perLoginQueryProperties () {
  return {
    prompt: {
      type: 'string',
      enum: ['none', 'login'],
      description: '`none`: a silent check for a session at the provider, without any page of its own; when the person would have to take part, the browser comes back to `returnTo` with `login=required` added to its query. `login`: sign in again even with a provider session.'
    },
    max_age: {
      type: 'string',
      pattern: MAX_AGE_PATTERN,
      description: `Seconds (0 to ${MAX_AGE_LIMIT}): the provider signs the person in again if they authenticated longer ago; the ID token's \`auth_time\` is checked against it.`,
      examples: ['300']
    },
    login_hint: {
      type: 'string',
      minLength: 1,
      maxLength: LOGIN_HINT_MAX_LENGTH,
      pattern: LOGIN_HINT_PATTERN,
      description: 'A hint of who signs in (an e-mail address, a phone number, a provider-specific hint), printable characters only.'
    },
    ui_locales: {
      type: 'string',
      maxLength: 359,
      pattern: UI_LOCALES_PATTERN,
      description: 'Preferred languages of the provider\'s pages: up to 10 space-separated BCP 47 tags.',
      examples: ['nl-BE fr-BE']
    }
  } as const
}
