export interface Address {
  formatted?: string
  streetAddress?: string
  postalCode?: string
  locality?: string
  country?: string
}

/**
 * Maps an OIDC-style address claim (standard claim, Auth0 Action's namespaced
 * one, or Criipto's, which sends nulls for unknown parts and `city` beside
 * `locality`) to our shape. A plain string counts as the formatted address.
 */
export function toAddress (raw: unknown): Address | undefined {
  if (typeof raw === 'string') return raw.trim() === '' ? undefined : { formatted: raw.trim() }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const source = raw as Record<string, unknown>
  const address: Address = {}
  assign(address, 'formatted', source.formatted)
  assign(address, 'streetAddress', source.street_address)
  assign(address, 'postalCode', source.postal_code)
  assign(address, 'locality', source.locality ?? source.city)
  const country = text(source.country)
  if (country !== undefined) address.country = country.toUpperCase()
  return Object.keys(address).length > 0 ? address : undefined
}

function assign (address: Address, key: keyof Address, value: unknown): void {
  const clean = text(value)
  if (clean !== undefined) address[key] = clean
}

/** A non-empty string, trimmed; anything else counts as absent. */
export function text (value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}
