import { toAddress, text, type Address } from './address.js'
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
  /** Namespace of the Auth0 Action's custom claims, e.g. 'https://example.com'. */
  readonly claimsNamespace?: string | undefined
  /** The eID chosen at /login?eid=…, if any. */
  readonly eid?: string | undefined
  /** EID_CONNECTIONS: eID name → Auth0 connection name. */
  readonly eidConnections?: Readonly<Record<string, string>> | undefined
}

/**
 * Criipto Verify's `identityscheme` values mapped to our eID names
 * (Criipto's "ItsME" and "JWT payloads pr. eID type" documentation).
 */
const IDENTITY_SCHEMES: Readonly<Record<string, string>> = {
  itsme: 'itsme',
  beitsme: 'itsme'
}

/**
 * Maps verified ID token claims to the /me profile. Understands the Auth0
 * dialect (standard claims plus `${namespace}/nationalnumber` and
 * `${namespace}/address` from an Action) and Criipto Verify's own itsme claims
 * (`nationalnumber`, `address`, `identityscheme`). A claim that was not sent,
 * has the wrong type, or (national number) fails its check is left out.
 */
export function toProfile (claims: Readonly<Record<string, unknown>>, options: ProfileOptions = {}): Profile {
  const sub = claims.sub
  if (typeof sub !== 'string' || sub === '') throw new TypeError('toProfile needs verified claims with a sub')
  const ns = options.claimsNamespace?.replace(/\/+$/, '')
  const custom = (name: string): unknown => ns === undefined ? undefined : claims[`${ns}/${name}`]

  const profile: Profile = { sub }
  setText(profile, 'name', claims.name)
  setText(profile, 'givenName', claims.given_name)
  setText(profile, 'familyName', claims.family_name)
  const birthdate = text(claims.birthdate)
  if (birthdate !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(birthdate)) profile.birthdate = birthdate
  setText(profile, 'gender', claims.gender)
  const nationalNumber = normalizeNationalNumber(custom('nationalnumber') ?? claims.nationalnumber)
  if (nationalNumber !== undefined) profile.nationalNumber = nationalNumber
  const address = toAddress(custom('address') ?? claims.address)
  if (address !== undefined) profile.address = address
  const eid = detectEid(claims, sub, options, custom('identityscheme'))
  if (eid !== undefined) profile.eid = eid
  return profile
}

function detectEid (claims: Readonly<Record<string, unknown>>, sub: string, options: ProfileOptions, namespacedScheme: unknown): string | undefined {
  const scheme = text(namespacedScheme) ?? text(claims.identityscheme)
  if (scheme !== undefined) return IDENTITY_SCHEMES[scheme.toLowerCase()] ?? scheme.toLowerCase()
  if (options.eid !== undefined) return options.eid
  // Auth0 names users of an enterprise OIDC connection `oidc|<connection>|<upstream sub>`.
  const connection = /^oidc\|([^|]+)\|/.exec(sub)?.[1]
  if (connection === undefined) return undefined
  const connections = options.eidConnections ?? {}
  const named = Object.entries(connections).find(([, value]) => value === connection)?.[0]
  if (named !== undefined) return named
  return Object.values(IDENTITY_SCHEMES).includes(connection) ? connection : undefined
}

function setText (profile: Profile, key: 'name' | 'givenName' | 'familyName' | 'gender', value: unknown): void {
  const clean = text(value)
  if (clean !== undefined) profile[key] = clean
}
