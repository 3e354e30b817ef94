/** `GET /login`: what it does and the query it reads. */
export const loginDescription = 'Browser navigation. Sends the browser to the provider\'s authorization endpoint (code flow: `response_type=code`, `state`, `nonce`, PKCE `S256`) and binds the login to this browser with a session cookie. Several logins (tabs) may be in progress at once.'

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
    }
  }
} as const
