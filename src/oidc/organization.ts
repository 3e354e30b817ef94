import type { JWTPayload } from 'jose'
import { GatewayError } from '../errors.js'

/**
 * Auth0 Organizations: a login asked for `organization` must come back with
 * that organization in the ID token, or anyone with an account in another
 * organization of the same tenant (or in none) could sign in. An id
 * (`org_…`) is checked against `org_id`; a name against `org_name`, which
 * Auth0 issues in lower case. A refreshed ID token may leave the claims out,
 * but must not name another organization.
 */
export function assertOrganization (claims: JWTPayload, organization: string | undefined, { required = true } = {}): void {
  if (organization === undefined) return
  const byId = organization.startsWith('org_')
  const claim = byId ? claims.org_id : claims.org_name
  if (claim === undefined && !required) return
  const expected = byId ? organization : organization.toLowerCase()
  if (claim === undefined) {
    throw new GatewayError('id_token_invalid', `The ID token names no organization (${byId ? 'org_id' : 'org_name'}); this gateway signs in members of one organization only`, 400)
  }
  if (claim !== expected) {
    throw new GatewayError('id_token_invalid', 'The ID token is for another organization than this gateway signs in', 400)
  }
}
