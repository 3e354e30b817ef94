/** `GET /callback`: what it checks and the query the provider sends. */
export const callbackDescription = 'The redirect URI. Checks the login belongs to this browser (`state`, single use), exchanges the code on the back channel with the PKCE verifier, verifies the ID token (signature via JWKS, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, allowed `alg`), reads the eIDAS level from its signed acr claims and refuses a login below the level its eID option asked for (`insufficient_assurance`; a step-up must also sign in the same person, authenticated again), then starts a fresh session (a new id: no fixation) and sends the browser to its `returnTo`. Any failure is a JSON error and leaves no signed-in session.'

export const callbackQuerySchema = {
  type: 'object',
  properties: {
    state: { type: 'string', maxLength: 512, description: 'The login\'s state, as sent by `/login`' },
    code: { type: 'string', maxLength: 4096, description: 'The authorization code' },
    iss: { type: 'string', maxLength: 2048, description: 'RFC 9207: the issuer that answered; must be ours' },
    error: { type: 'string', maxLength: 256, description: 'The provider\'s error instead of a code, e.g. `access_denied`' },
    error_description: { type: 'string', maxLength: 2048, description: 'The provider\'s text for `error`; not shown' },
    session_state: { type: 'string', maxLength: 2048, description: 'OIDC Session Management; ignored' }
  },
  // Providers add their own parameters: those are not a reason to fail a login.
  additionalProperties: true
} as const
