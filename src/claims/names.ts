import { readString } from './address.js'
import { findEid } from './eids.js'

export interface Names {
  name?: string
  givenName?: string
  familyName?: string
}

/*
 * The Finnish Trust Network sends in `name` "Display name (when available for
 * the user), or sub value received from FTN provider", e.g.
 * "_19cfbd642c4a82b08613b841caf0e153c5956c14"
 * (https://docs.criipto.com/verify/e-ids/finnish-trust-network). That value is
 * an identifier, not a name to show.
 */
const FTN_PSEUDONYM = /^_[0-9a-f]{16,}$/i

/**
 * The person's names from the OIDC Core claims, or from `givenname` and
 * `surname`, the names Criipto Verify used before it moved to the standard
 * ones (https://github.com/criipto/docs-old/blob/master/getting-started/token-contents.md).
 * `name` is never made up from the other two.
 */
export function readNames (claims: Readonly<Record<string, unknown>>, eid: string | undefined): Names {
  const names: Names = {}
  const name = readString(claims.name)
  const isPseudonym = name !== undefined && FTN_PSEUDONYM.test(name) && eid !== undefined && findEid(eid)?.eid === 'ftn'
  if (name !== undefined && !isPseudonym) names.name = name
  const givenName = readString(claims.given_name) ?? readString(claims.givenname)
  if (givenName !== undefined) names.givenName = givenName
  const familyName = readString(claims.family_name) ?? readString(claims.surname)
  if (familyName !== undefined) names.familyName = familyName
  return names
}
