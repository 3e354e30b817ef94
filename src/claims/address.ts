export interface Address {
  formatted?: string
  streetAddress?: string
  postalCode?: string
  locality?: string
  country?: string
}

/** A claim's string value without surrounding blanks; absent when it is not a non-empty string. */
export function readString (value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

/**
 * Maps an address claim to our shape: the OIDC Core address object
 * (`formatted`, `street_address`, `postal_code`, `locality`, `country`), the
 * same object put under a namespace by an Auth0 Action, or Criipto Verify's
 * address (itsme, MitID), which has the same members plus `city`, and sends
 * `null` for parts it does not know. A plain string is the formatted address.
 * Returns `undefined` rather than an empty object when nothing usable is in it.
 */
export function toAddress (raw: unknown): Address | undefined {
  if (typeof raw === 'string') {
    const formatted = readString(raw)
    return formatted === undefined ? undefined : { formatted }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const claim = raw as Record<string, unknown>
  const address: Address = {}
  const formatted = readString(claim.formatted)
  if (formatted !== undefined) address.formatted = formatted
  const streetAddress = readString(claim.street_address)
  if (streetAddress !== undefined) address.streetAddress = streetAddress
  const postalCode = readString(claim.postal_code)
  if (postalCode !== undefined) address.postalCode = postalCode
  // Criipto's `city` is the town when it sends one: for MitID `locality` is the
  // Danish supplementary place name, often "(Lokalitet ukendt)" (unknown), beside
  // "city": "Hillerød" (https://docs.criipto.com/verify/e-ids/danish-mitid/);
  // itsme sends `city: null` and the town in `locality`.
  const locality = readString(claim.city) ?? readString(claim.locality)
  if (locality !== undefined) address.locality = locality
  const country = readCountry(claim.country)
  if (country !== undefined) address.country = country
  return Object.keys(address).length === 0 ? undefined : address
}

/**
 * ISO 3166 codes come back upper-case whatever case they were sent in; a
 * country written out in words is kept as sent rather than guessed at.
 */
function readCountry (value: unknown): string | undefined {
  const country = readString(value)
  if (country === undefined) return undefined
  return /^[a-z]{2,3}$/i.test(country) ? country.toUpperCase() : country
}
