import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK } from 'jose'
import type { ClientKeySettings, KeyUse } from '../config/client-keys.js'

/** A key of the gateway's, ready for openid-client: the private CryptoKey, its key id and algorithm, and its public JWK. */
export interface ClientKey {
  readonly key: CryptoKey
  readonly kid: string
  readonly alg: string
  /** Public members only, with `kid`, `use` and `alg`: as published. */
  readonly publicJwk: JWK
}

export interface ClientKeys {
  readonly signing: ClientKey | undefined
  readonly decryption: ClientKey | undefined
}

export interface ClientKeyConfig {
  readonly clientKey: ClientKeySettings | undefined
  readonly encryptionKey: ClientKeySettings | undefined
}

/** The public JWK members per key type (RFC 7517, 7518, 8037): nothing private can be copied by accident. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = { RSA: ['kty', 'n', 'e'], EC: ['kty', 'crv', 'x', 'y'], OKP: ['kty', 'crv', 'x'] }

const imported = new WeakMap<ClientKeyConfig, Promise<ClientKeys>>()

/**
 * The configured keys, imported once per configuration (the OIDC client and
 * `/jwks.json` share them). A key without a given id gets its RFC 7638
 * thumbprint, so the id is the same on every instance and every start.
 */
export async function importClientKeys (config: ClientKeyConfig): Promise<ClientKeys> {
  let keys = imported.get(config)
  if (keys === undefined) {
    keys = Promise.all([importKey(config.clientKey), importKey(config.encryptionKey)])
      .then(([signing, decryption]) => ({ signing, decryption }))
    imported.set(config, keys)
  }
  return await keys
}

/** The JWK set a provider reads the gateway's public keys from: the signing key (`use: sig`), then the encryption key (`use: enc`). */
export async function publicJwks (config: ClientKeyConfig): Promise<{ keys: JWK[] }> {
  const { signing, decryption } = await importClientKeys(config)
  return { keys: [signing, decryption].filter((key) => key !== undefined).map((key) => key.publicJwk) }
}

async function importKey (settings: ClientKeySettings | undefined): Promise<ClientKey | undefined> {
  if (settings === undefined) return undefined
  const publicPart = publicMembers(settings.publicJwk as JWK)
  const kid = settings.kid ?? await calculateJwkThumbprint(publicPart)
  // Not extractable: once imported, the private key cannot be exported again from the process's keys.
  const key = await importJWK({ ...settings.privateJwk as JWK, alg: settings.alg }, settings.alg, { extractable: false }) as CryptoKey
  return { key, kid, alg: settings.alg, publicJwk: { ...publicPart, kid, use: settings.use satisfies KeyUse, alg: settings.alg } }
}

function publicMembers (jwk: JWK): JWK {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ''] ?? []
  const fields = jwk as Readonly<Record<string, unknown>>
  return Object.fromEntries(members.filter((member) => fields[member] !== undefined).map((member) => [member, fields[member]])) as JWK
}
