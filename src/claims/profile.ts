import { readString, toAddress, type Address } from './address.js'
import type { AssuranceLevel } from './assurance.js'
import { detectEid, eidsByConnectionMap, isAuth0Subject } from './detect-eid.js'
import { connectionEids, type EidOption } from './eid-options.js'
import type { LoginAssurance } from './login-assurance.js'
import { readNames } from './names.js'
import { toNationalId, type NationalId } from './national-id.js'

export type { Address, NationalId }

export interface Profile {
  sub: string
  name?: string
  givenName?: string
  familyName?: string
  birthdate?: string
  gender?: string
  nationalNumber?: string
  nationalId?: NationalId
  address?: Address
  eid?: string
  assurance?: ProfileAssurance
}

/** How the login authenticated the person, as `/me` shows it; a field the provider did not send is left out. */
export interface ProfileAssurance {
  level?: AssuranceLevel
  acr?: string
  amr?: string[]
  /** `auth_time`, ISO 8601. */
  authTime?: string
}

export interface ProfileOptions {
  /** Namespace of the custom claims an Auth0 Action adds, e.g. 'https://example.com'. */
  claimsNamespace?: string
  /** EID_CONNECTIONS: eID name → Auth0 connection name. */
  eidConnections?: Record<string, string>
  /** EID_CONNECTIONS as options, naming each connection's eID; preferred to `eidConnections`. */
  eidOptions?: readonly EidOption[]
  /**
   * The login's assurance as the callback assessed it: its eID is the
   * profile's (assessed with every option in view), and it is shown as
   * `assurance`. Sessions from before it was kept have none: then the eID is
   * detected from the claims here.
   */
  assurance?: LoginAssurance
}

// OIDC Core 5.1: YYYY-MM-DD, or YYYY alone; year 0000 means the year was withheld.
const BIRTHDATE = /^\d{4}(-\d{2}-\d{2})?$/

/**
 * Maps the claims of a verified ID token to the `/me` profile (without its
 * `session` part). Two dialects give the same profile: Auth0 with an Action
 * (standard claims plus `${claimsNamespace}/<Criipto's claim name>`, e.g.
 * `/nationalnumber`, `/address`, `/identityscheme`, `/ssn`) and Criipto Verify
 * as the issuer (standard claims plus those names bare). The eID comes from
 * signed claims only (see `detectEid`) and decides which claim holds
 * `nationalId`; `nationalNumber` is the Belgian number of an itsme login. Under
 * Auth0 the namespaced claims are read only for a login through an eID
 * connection: for anyone else (a database or social user) an Action has no eID
 * data to give, so what it added can only be the user's own input. A claim
 * that was not sent, has the wrong type, or (national identifiers) fails its
 * check is left out.
 *
 * @throws TypeError when `sub` is not a non-empty string: callers pass only
 * claims whose ID token has already been validated.
 */
export function toProfile (claims: Readonly<Record<string, unknown>>, options: ProfileOptions = {}): Profile {
  const sub = claims.sub
  if (typeof sub !== 'string' || sub === '') throw new TypeError('toProfile needs claims with a non-empty sub')
  const namespace = options.claimsNamespace?.replace(/\/+$/, '')
  // The Action's namespaced claim wins; the bare name is what Criipto sends itself.
  const withNamespace = (name: string): unknown =>
    (namespace ? claims[`${namespace}/${name}`] : undefined) ?? claims[name]
  const eid = options.assurance !== undefined
    ? options.assurance.eid
    : detectEid(sub, withNamespace, options.eidOptions !== undefined ? connectionEids(options.eidOptions) : eidsByConnectionMap(options.eidConnections ?? {}))
  const custom = isAuth0Subject(sub) && eid === undefined ? (name: string): unknown => claims[name] : withNamespace

  // Keys are added in the contract's order, which JSON keeps.
  const profile: Profile = { sub, ...readNames(claims, eid) }
  const birthdate = readBirthdate(claims)
  if (birthdate !== undefined) profile.birthdate = birthdate
  const gender = readString(claims.gender)
  if (gender !== undefined) profile.gender = gender
  const nationalId = toNationalId(eid, custom)
  // The Belgian register number only as itsme asserts it: never beside another eID, nor without one.
  if (nationalId?.country === 'BE') profile.nationalNumber = nationalId.value
  if (nationalId !== undefined) profile.nationalId = nationalId
  const address = toAddress(custom('address'))
  if (address !== undefined) profile.address = address
  if (eid !== undefined) profile.eid = eid
  const assurance = options.assurance === undefined ? undefined : toProfileAssurance(options.assurance)
  if (assurance !== undefined) profile.assurance = assurance
  return profile
}

/** The assurance's public part, `auth_time` as ISO 8601; `undefined` when there is nothing to show. */
function toProfileAssurance (assurance: LoginAssurance): ProfileAssurance | undefined {
  const shown: ProfileAssurance = {}
  if (assurance.level !== undefined) shown.level = assurance.level
  if (assurance.acr !== undefined) shown.acr = assurance.acr
  if (assurance.amr !== undefined) shown.amr = [...assurance.amr]
  const authTime = assurance.authTime === undefined ? undefined : new Date(assurance.authTime * 1000)
  if (authTime !== undefined && !Number.isNaN(authTime.getTime())) shown.authTime = authTime.toISOString()
  return Object.keys(shown).length === 0 ? undefined : shown
}

/**
 * `birthdate`, or `dateofbirth`, Criipto Verify's older name for it (still
 * sent beside it for Norwegian BankID biometrics:
 * https://docs.criipto.com/verify/e-ids/norwegian-bankid/); only in the OIDC
 * Core format.
 */
function readBirthdate (claims: Readonly<Record<string, unknown>>): string | undefined {
  for (const raw of [claims.birthdate, claims.dateofbirth]) {
    const birthdate = readString(raw)
    if (birthdate !== undefined && BIRTHDATE.test(birthdate)) return birthdate
  }
  return undefined
}
