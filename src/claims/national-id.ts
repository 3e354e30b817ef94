import { findEid } from './eids.js'

/** A national identifier with what it is: `{ country: 'SE', type: 'personnummer', value: '196802020575' }`. */
export interface NationalId {
  country: string
  type: string
  value: string
}

/**
 * The national identifier that the eID `eid` asserts, read with `read` from
 * that eID's own claim and checked against its country's rules. Only the
 * signed-in eID's claim is read: a Belgian number under a Swedish login is not
 * this user's identifier, and an identifier with no eID to say which country
 * issued it would be a guess. `undefined` when the eID is unknown, the claim
 * was not sent, or it fails its check.
 */
export function toNationalId (eid: string | undefined, read: (claim: string) => unknown): NationalId | undefined {
  if (eid === undefined) return undefined
  const definition = findEid(eid)
  if (definition === undefined) return undefined
  const value = definition.normalize(read(definition.claim))
  if (value === undefined) return undefined
  return { country: definition.country, type: definition.type, value }
}
