import { readString } from './address.js'
import { ASSURANCE_LEVELS, findAcrLevel, type AcrLevel, type AssuranceLevel } from './assurance.js'
import { detectEid, isAuth0Subject } from './detect-eid.js'
import { connectionEids, type EidOption } from './eid-options.js'
import { findEidByAcr } from './eids.js'

/**
 * How a login authenticated the person, from its verified ID token: the eID,
 * the eIDAS level that eID's signed acr proves, the methods and the time.
 * Assessed once, at the callback, and kept with the session; a field the
 * provider did not send is left out.
 */
export interface LoginAssurance {
  readonly eid?: string
  readonly level?: AssuranceLevel
  /** The acr value the level was read from. */
  readonly acr?: string
  /** The authentication methods the provider named (RFC 8176 `amr`), as it named them. */
  readonly amr?: readonly string[]
  /** `auth_time`: epoch seconds when the person authenticated. */
  readonly authTime?: number
}

export interface AssessmentOptions {
  /** Namespace of the Auth0 Action's custom claims (CLAIMS_NAMESPACE). */
  readonly claimsNamespace?: string
  /** EID_CONNECTIONS. */
  readonly eidOptions: readonly EidOption[]
}

/**
 * The login's assurance, from signed claims only: nothing the browser asked
 * for at `/login` counts.
 *
 * - Idura (Criipto Verify) as the issuer signs the acr value of the login in
 *   `authenticationtype` and `acr`: the level comes from those (the lower,
 *   when both are sent), through the table in ./assurance.ts.
 * - Auth0 as the issuer relays no upstream acr: its own `acr` and `amr` are
 *   about Auth0's MFA, and no Action may set them. So the level comes from
 *   the Idura claims an Action relays under CLAIMS_NAMESPACE
 *   (`authenticationtype`, `acr`), and from the acr value the connection in
 *   the `sub` is bound to by its metadata URL (EID_CONNECTIONS `acr`): the
 *   lower of what is there. Auth0 writes the connection into the `sub`
 *   itself, so that binding is as signed as the rest.
 *
 * Only acr values of the login's own eID count (one naming no eID, such as
 * an MFA policy, says nothing about it); one of that eID that the table does
 * not list proves no level. A login without an eID has no level.
 */
export function assessLogin (claims: Readonly<Record<string, unknown>>, options: AssessmentOptions): LoginAssurance {
  const sub = claims.sub
  if (typeof sub !== 'string' || sub === '') throw new TypeError('assessLogin needs claims with a non-empty sub')
  const namespace = options.claimsNamespace?.replace(/\/+$/, '')
  const namespaced = (name: string): unknown => namespace === undefined ? undefined : claims[`${namespace}/${name}`]
  const withNamespace = (name: string): unknown => namespaced(name) ?? claims[name]
  const authTime = typeof claims.auth_time === 'number' && Number.isFinite(claims.auth_time) ? { authTime: claims.auth_time } : {}
  const eid = detectEid(sub, withNamespace, connectionEids(options.eidOptions))
  if (eid === undefined) return authTime

  const auth0 = isAuth0Subject(sub)
  const signed = auth0
    ? [readString(withNamespace('authenticationtype')), readString(namespaced('acr'))]
    : [readString(claims.authenticationtype), readString(claims.acr)]
  const evidence = signed.filter((acr): acr is string => acr !== undefined && findEidByAcr(acr)?.eid === eid)
  if (auth0) evidence.push(...boundAcrValues(sub, eid, options.eidOptions))
  const amr = readAmr(auth0 ? namespaced('amr') : claims.amr)
  return { eid, ...weakest(evidence), ...(amr === undefined ? {} : { amr }), ...authTime }
}

/** The acr values the Auth0 connection in `sub` is bound to, by the options of this eID that name it. */
function boundAcrValues (sub: string, eid: string, options: readonly EidOption[]): string[] {
  const connection = sub.split('|')[1]
  return options
    .filter((option) => option.connection === connection && option.eid === eid && option.connectionAcr !== undefined)
    .map((option) => option.connectionAcr as string)
}

/** The lowest level the acr values prove, with the value that proves it; a value the table does not list proves none. */
function weakest (acrValues: readonly string[]): { level?: AssuranceLevel, acr?: string } {
  let weakestRow: AcrLevel | undefined
  for (const acr of acrValues) {
    const row = findAcrLevel(acr)
    if (row === undefined) return { acr }
    if (weakestRow === undefined || ASSURANCE_LEVELS.indexOf(row.level) < ASSURANCE_LEVELS.indexOf(weakestRow.level)) weakestRow = row
  }
  return weakestRow === undefined ? {} : { level: weakestRow.level, acr: acrValues.find((acr) => acr.toLowerCase() === weakestRow.acr) ?? weakestRow.acr }
}

/** `amr`: an array of method names; anything else is left out. */
function readAmr (raw: unknown): readonly string[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 16) return undefined
  const methods = raw.filter((method): method is string => typeof method === 'string' && /^[\x21-\x7e]{1,64}$/.test(method))
  return methods.length === raw.length ? methods : undefined
}
