/** What the metadata tells of the provider: enough to recognise an Auth0 tenant. */
export interface ProviderMetadata {
  readonly issuer: string
  readonly mfa_challenge_endpoint?: unknown
}

/**
 * Whether the issuer is an Auth0 tenant: its hostname ends in `.auth0.com`
 * (`tenant.eu.auth0.com`), or, for a custom domain, its metadata has Auth0's
 * own `mfa_challenge_endpoint` at `/mfa/challenge` on the issuer's origin, a
 * member no other provider publishes.
 */
export function isAuth0 (metadata: ProviderMetadata): boolean {
  let issuer: URL
  try {
    issuer = new URL(metadata.issuer)
  } catch {
    return false
  }
  if (issuer.hostname.endsWith('.auth0.com')) return true
  return typeof metadata.mfa_challenge_endpoint === 'string' && metadata.mfa_challenge_endpoint === new URL('/mfa/challenge', issuer).href
}

/**
 * Auth0's own logout, for a tenant that does not advertise
 * `end_session_endpoint` (its RP-Initiated Logout discovery setting is off):
 * `/v2/logout` ends the Auth0 session and returns to `returnTo`, which must
 * be among the application's Allowed Logout URLs.
 */
export function auth0LogoutUrl (issuer: string, clientId: string, returnTo: string): URL {
  const url = new URL('/v2/logout', issuer)
  url.searchParams.set('client_id', clientId)
  url.searchParams.set('returnTo', returnTo)
  return url
}
