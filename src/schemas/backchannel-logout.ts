/** `POST /backchannel-logout`: what it verifies and the form it reads. */
export const backchannelLogoutDescription = 'OpenID Connect Back-Channel Logout 1.0. The provider posts a signed logout token (a form body of at most 16 KiB); it is verified with the provider\'s keys (`iss`, `aud`, `iat`, `exp`, `jti`, the logout event, no `nonce`) and ends every session of its `sid`, or of its `sub` when it names no `sid`. A token is accepted once.'

export const backchannelLogoutBodySchema = {
  type: 'object',
  required: ['logout_token'],
  properties: { logout_token: { type: 'string', minLength: 1, maxLength: 8192, description: 'The logout token (a JWT signed by the provider)' } }
} as const
