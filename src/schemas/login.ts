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
      description: 'Which eID to sign in with: a name from `EID_CONNECTIONS`; it picks the Auth0 connection. Empty or absent: the provider\'s own choice. An unknown name is an `invalid_request`.',
      examples: ['itsme']
    }
  }
} as const
