import { readString, toAddress, type Address } from './address.js'
import { normalizeNationalNumber } from './national-number.js'

export type { Address }

export interface Profile {
  sub: string
  name?: string
  givenName?: string
  familyName?: string
  birthdate?: string
  gender?: string
  nationalNumber?: string
  address?: Address
  eid?: string
}

export interface ProfileOptions {
  /** Namespace of the custom claims an Auth0 Action adds, e.g. 'https://example.com'. */
  claimsNamespace?: string
  /** The eID name chosen at /login?eid=…, if any. */
  eid?: string
  /** EID_CONNECTIONS: eID name → Auth0 connection name. */
  eidConnections?: Record<string, string>
}

/*
 * Criipto Verify names the eID it used in `identityscheme` ("JWT payloads pr.
 * eID type" and "ItsME" pages of the Criipto Verify documentation: "itsme").
 * Keys are lower case.
 */
const IDENTITY_SCHEMES: Readonly<Record<string, string>> = { itsme: 'itsme' }

// OIDC Core 5.1: YYYY-MM-DD, or YYYY alone; year 0000 means the year was withheld.
const BIRTHDATE = /^\d{4}(-\d{2}-\d{2})?$/

/**
 * Maps the claims of a verified ID token to the `/me` profile (without its
 * `session` part). Two dialects give the same profile: Auth0 with an Action
 * (standard claims plus `${claimsNamespace}/nationalnumber`, `/address`,
 * `/identityscheme`) and Criipto Verify as the issuer (standard claims plus
 * `nationalnumber`, `address`, `identityscheme`). A claim that was not sent,
 * has the wrong type, or (national number) fails its check is left out.
 *
 * @throws TypeError when `sub` is not a non-empty string: callers pass only
 * claims whose ID token has already been validated.
 */
export function toProfile (claims: Readonly<Record<string, unknown>>, options: ProfileOptions = {}): Profile {
  const sub = claims.sub
  if (typeof sub !== 'string' || sub === '') throw new TypeError('toProfile needs claims with a non-empty sub')
  const namespace = options.claimsNamespace?.replace(/\/+$/, '')
  // The Action's namespaced claim wins; the bare name is what Criipto sends itself.
  const custom = (name: string): unknown =>
    (namespace ? claims[`${namespace}/${name}`] : undefined) ?? claims[name]

  const profile: Profile = { sub }
  const name = readString(claims.name)
  if (name !== undefined) profile.name = name
  const givenName = readString(claims.given_name)
  if (givenName !== undefined) profile.givenName = givenName
  const familyName = readString(claims.family_name)
  if (familyName !== undefined) profile.familyName = familyName
  const birthdate = readString(claims.birthdate)
  if (birthdate !== undefined && BIRTHDATE.test(birthdate)) profile.birthdate = birthdate
  const gender = readString(claims.gender)
  if (gender !== undefined) profile.gender = gender
  const nationalNumber = normalizeNationalNumber(custom('nationalnumber'))
  if (nationalNumber !== undefined) profile.nationalNumber = nationalNumber
  const address = toAddress(custom('address'))
  if (address !== undefined) profile.address = address
  const eid = detectEid(sub, readString(custom('identityscheme')), options)
  if (eid !== undefined) profile.eid = eid
  return profile
}

/**
 * Which eID the user signed in with, most trustworthy source first: the
 * provider's own `identityscheme`, then the choice made at /login, then the
 * Auth0 connection named in the `sub`.
 */
function detectEid (sub: string, scheme: string | undefined, options: ProfileOptions): string | undefined {
  if (scheme !== undefined) {
    // A scheme we have no short name for is still the provider's word on it.
    const key = scheme.toLowerCase()
    return IDENTITY_SCHEMES[key] ?? key
  }
  const chosen = readString(options.eid)
  if (chosen !== undefined) return chosen
  return eidOfConnection(connectionOf(sub), options.eidConnections ?? {})
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

function eidOfConnection (connection: string | undefined, eidConnections: Readonly<Record<string, string>>): string | undefined {
  if (connection === undefined) return undefined
  const named = Object.keys(eidConnections).find((eid) => eidConnections[eid] === connection)
  if (named !== undefined) return named
  const known = Object.hasOwn(eidConnections, connection) || Object.values(IDENTITY_SCHEMES).includes(connection)
  return known ? connection : undefined
}
