import type { Address, NationalId, Profile, ProfileAssurance } from './profile.js'

/** The scopes a service token may carry, each opening a part of the profile. */
export const CLAIM_SCOPES = ['claims:profile', 'claims:birthdate', 'claims:age', 'claims:address', 'claims:national_number', 'claims:assurance'] as const
export type ClaimScope = typeof CLAIM_SCOPES[number]

/** What a service is given: `sub` and `eid` always, the rest by scope. */
export interface ServiceClaims {
  sub: string
  eid?: string
  name?: string
  givenName?: string
  familyName?: string
  birthdate?: string
  ageOver18?: boolean
  ageOver21?: boolean
  address?: Address
  nationalNumber?: string
  nationalId?: NationalId
  assurance?: ProfileAssurance
}

/** The claim scopes among a token's scopes, in our order. */
export function claimScopesOf (scopes: readonly string[]): ClaimScope[] {
  return CLAIM_SCOPES.filter((scope) => scopes.includes(scope))
}

/**
 * Data minimisation: only the fields the scopes open. `claims:age` gives
 * yes/no answers computed today, so an age check never needs the birthdate.
 */
export function claimsForScopes (profile: Profile, scopes: readonly ClaimScope[], today = new Date()): ServiceClaims {
  const claims: ServiceClaims = { sub: profile.sub }
  if (profile.eid !== undefined) claims.eid = profile.eid
  const granted = new Set(scopes)
  if (granted.has('claims:profile')) {
    if (profile.name !== undefined) claims.name = profile.name
    if (profile.givenName !== undefined) claims.givenName = profile.givenName
    if (profile.familyName !== undefined) claims.familyName = profile.familyName
  }
  if (granted.has('claims:birthdate') && profile.birthdate !== undefined) claims.birthdate = profile.birthdate
  if (granted.has('claims:age') && profile.birthdate !== undefined) {
    const over18 = isAtLeast(profile.birthdate, 18, today)
    const over21 = isAtLeast(profile.birthdate, 21, today)
    if (over18 !== undefined) claims.ageOver18 = over18
    if (over21 !== undefined) claims.ageOver21 = over21
  }
  if (granted.has('claims:address') && profile.address !== undefined) claims.address = profile.address
  if (granted.has('claims:national_number')) {
    if (profile.nationalNumber !== undefined) claims.nationalNumber = profile.nationalNumber
    if (profile.nationalId !== undefined) claims.nationalId = profile.nationalId
  }
  // How, and when, the person last authenticated: the level a service may insist on, kept apart
  // from `eid` because the time of a login is about the person too.
  if (granted.has('claims:assurance') && profile.assurance !== undefined) claims.assurance = profile.assurance
  return claims
}

/**
 * Whether someone born on `birthdate` (YYYY-MM-DD, or YYYY alone) is at least
 * `years` old on `today` (UTC). A year alone answers only when every day of
 * that year gives the same answer; otherwise, and for the withheld year 0000,
 * undefined: unknown is never reported as yes or no.
 */
export function isAtLeast (birthdate: string, years: number, today: Date): boolean | undefined {
  const [year, month, day] = birthdate.split('-').map(Number)
  if (year === undefined || !Number.isInteger(year) || year === 0) return undefined
  const todayKey = today.getUTCFullYear() * 10_000 + (today.getUTCMonth() + 1) * 100 + today.getUTCDate()
  const birthdayKey = (born: number, monthDay: number): number => (born + years) * 10_000 + monthDay
  if (month === undefined || day === undefined) {
    if (todayKey >= birthdayKey(year, 1231)) return true
    if (todayKey < birthdayKey(year, 101)) return false
    return undefined
  }
  // Born on 29 February: the birthday in a common year is 1 March, as most laws count it.
  return todayKey >= birthdayKey(year, month * 100 + day)
}
