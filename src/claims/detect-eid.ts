import { readString } from './address.js'
import { EIDS, findEid, findEidByAcr } from './eids.js'

/** Signed claims that name different eIDs: no eID can be believed. */
const CONFLICT = Symbol('conflicting eIDs')

/**
 * Which eID the user signed in with, from what the provider signed and from
 * nothing else: the eID a browser asked for at `/login?eid=…` never counts,
 * since anyone can ask for any eID and then sign in some other way.
 *
 * `read` gives a claim by Criipto's name (bare, or under an Auth0 Action's
 * namespace). Which signed claims count depends on the issuer's shape:
 *
 * - Auth0 (a `sub` with a `|`): Auth0 itself writes the connection into the
 *   `sub` of an enterprise login (`oidc|criipto-itsme|{…}`), and only a
 *   connection mapped in EID_CONNECTIONS (or named like one of our eIDs) is an
 *   eID. Database and social users (`auth0|…`, `google-oauth2|…`) name no
 *   connection, so they have no eID, whatever an Action added. An
 *   `identityscheme` or acr that an Action relays may only pick among the
 *   eIDs of that connection; one that contradicts it names none.
 * - The eID broker itself (Criipto Verify, whose `sub` is `{guid}`): its
 *   `identityscheme` (mapped to our short name, e.g. `nobankid-oidc` →
 *   `nobankid`), or the acr value of the login in `authenticationtype` or
 *   `acr` (`urn:grn:authn:se:bankid:same-device` → `sebankid`). When these
 *   disagree, none is believed.
 */
export function detectEid (
  sub: string,
  read: (claim: string) => unknown,
  eidsOfConnection: (connection: string) => readonly string[]
): string | undefined {
  const signed = signedEid(read)
  if (signed === CONFLICT) return undefined
  if (!isAuth0Subject(sub)) return signed
  const connection = connectionOf(sub)
  const offered = connection === undefined ? [] : eidsOfConnection(connection)
  if (signed !== undefined) return offered.includes(signed) ? signed : undefined
  return offered.length === 1 ? offered[0] : undefined
}

/**
 * Auth0 writes every user id as `<provider>|<id>`; Criipto Verify's are
 * `{guid}`. Under Auth0, claims beyond the standard ones come from an Action.
 */
export function isAuth0Subject (sub: string): boolean {
  return sub.includes('|')
}

/** The eID that the scheme and acr claims name together, or CONFLICT when they disagree. */
function signedEid (read: (claim: string) => unknown): string | typeof CONFLICT | undefined {
  const named = new Set<string>()
  const scheme = readString(read('identityscheme'))
  // A scheme we have no short name for is still the provider's word on it.
  if (scheme !== undefined) named.add(findEid(scheme)?.eid ?? scheme.toLowerCase())
  for (const claim of ['authenticationtype', 'acr']) {
    const acr = readString(read(claim))
    // Any other acr (Auth0's MFA policy, another broker's level) says nothing about the eID.
    const eid = acr === undefined ? undefined : findEidByAcr(acr)?.eid
    if (eid !== undefined) named.add(eid)
  }
  if (named.size > 1) return CONFLICT
  return named.values().next().value
}

/**
 * Auth0 writes the `sub` of a user from an enterprise connection (and of a
 * custom social one) as `<strategy>|<connection>|<upstream id>`, e.g.
 * `oidc|itsme|{f729d0aa-…}`; database and built-in social users have only two
 * parts and name no connection.
 */
function connectionOf (sub: string): string | undefined {
  const parts = sub.split('|')
  if (parts.length < 3 || parts[2] === '') return undefined
  return parts[1] === '' ? undefined : parts[1]
}

/**
 * The eIDs of a connection by an eID name → connection map (EID_CONNECTIONS
 * names as eIDs): those mapped to it, else the eID it is named like; none
 * for any other. The eID options (src/claims/eid-options.ts) say it better,
 * naming each option's eID; this serves callers that have only the map.
 */
export function eidsByConnectionMap (eidConnections: Readonly<Record<string, string>>): (connection: string) => string[] {
  return (connection) => {
    const mapped = Object.keys(eidConnections).filter((eid) => eidConnections[eid] === connection)
    if (mapped.length > 0) return mapped
    const known = Object.hasOwn(eidConnections, connection) || EIDS.some((definition) => definition.eid === connection)
    return known ? [connection] : []
  }
}
