import { createHmac, hkdfSync } from 'node:crypto'

/**
 * Names derived from values that must not show in a store's dump (session
 * ids, subjects, sids, client addresses): an HMAC under a key derived from
 * SESSION_SECRET for one purpose. The first secret names new entries; every
 * secret of the rotation list still finds the entries named before a rotation.
 */
export interface KeyedHash {
  /** The name under the current secret. */
  current (value: string): string
  /** The names under every secret, current first. */
  all (value: string): string[]
}

export function keyedHash (secrets: readonly string[], purpose: string): KeyedHash {
  if (secrets.length === 0) throw new TypeError('keyedHash needs at least one secret')
  const keys = secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, 'eid-bff-gateway', purpose, 32)))
  const name = (key: Buffer, value: string): string => createHmac('sha256', key).update(value).digest('base64url').slice(0, 32)
  const first = keys[0] as Buffer
  return {
    current: (value) => name(first, value),
    all: keys.length === 1 ? (value) => [name(first, value)] : (value) => keys.map((key) => name(key, value))
  }
}
