import { readString } from './address.js'
import { EIDS, findEid } from './eids.js'

/**
 * Which eID the user signed in with, most trustworthy source first: the
 * provider's own `identityscheme` (Criipto's value mapped to our short name,
 * e.g. `nobankid-oidc` → `nobankid`), then the choice made at /login, then
 * the Auth0 connection named in the `sub`.
 */
export function detectEid (
  sub: string,
  scheme: string | undefined,
  chosen: unknown,
  eidConnections: Readonly<Record<string, string>>
): string | undefined {
  if (scheme !== undefined) {
    // A scheme we have no short name for is still the provider's word on it.
    const key = scheme.toLowerCase()
    return findEid(key)?.eid ?? key
  }
  const choice = readString(chosen)
  if (choice !== undefined) return choice
  return eidOfConnection(connectionOf(sub), eidConnections)
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
  const known = Object.hasOwn(eidConnections, connection) || EIDS.some((definition) => definition.eid === connection)
  return known ? connection : undefined
}
