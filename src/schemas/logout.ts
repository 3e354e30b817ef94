/** `GET /logout`: what it ends and the query it reads. */
export const logoutDescription = 'Browser navigation, with the session\'s own `sid` (from `/me`, which another site cannot read, so a forged logout link fails). Ends the session, revokes the refresh token, clears the cookie and sends the browser to the provider\'s end-session endpoint (with `client_id`, the provider\'s `sid` as `logout_hint` and `post_logout_redirect_uri`; `id_token_hint` instead of `logout_hint` with `OIDC_LOGOUT_HINT=id_token`), or to `/` when the provider has none. Without a session it just goes to `/`.'

export const logoutQuerySchema = {
  type: 'object',
  properties: { sid: { type: 'string', maxLength: 256, description: 'The session\'s `sid`, as in `/me` → `session.logoutUrl`' } }
} as const
