import { readString, toAddress, type Address } from './address.js'
import { detectEid, isAuth0Subject } from './detect-eid.js'
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
}

export interface ProfileOptions {
  /** Namespace of the custom claims an Auth0 Action adds, e.g. 'https://example.com'. */
  claimsNamespace?: string
  /** EID_CONNECTIONS: eID name → Auth0 connection name. */
  eidConnections?: Record<string, string>
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
  const eid = detectEid(sub, withNamespace, options.eidConnections ?? {})
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
  return profile
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
