import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import { ConfigError } from '../errors.js'
import { parsePrivateKey, readKeyFile } from './private-key-text.js'

/** What a key of the gateway's own is for: signing (client assertions, request objects) or decrypting responses. */
export type KeyUse = 'sig' | 'enc'

/** A private key of the gateway's, read from the environment and checked; imported for use by src/oidc/client-keys.ts. */
export interface ClientKeySettings {
  readonly use: KeyUse
  /** The JWS (`sig`) or JWE key management (`enc`) algorithm it is used with. */
  readonly alg: string
  /** The key id as given (the variable, else the JWK's own `kid`); undefined: the RFC 7638 thumbprint of the public key. */
  readonly kid: string | undefined
  /** The private key, as a JWK. Never logged and never served. */
  readonly privateJwk: JsonWebKey
  /** Its public part only: what `/jwks.json` publishes. */
  readonly publicJwk: JsonWebKey
}

/** Where a key came from: the variable's value, or the file its `_FILE` twin names. */
export interface KeySource {
  readonly name: string
  readonly value: string | undefined
  readonly file: string | undefined
  readonly kid: string | undefined
}

const KEY_ID = /^[\x21-\x7e]{1,128}$/
const SIGNING_RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
const EC_SIGNING: Readonly<Record<string, string>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }
const RSA_OAEP = ['RSA-OAEP-256', 'RSA-OAEP', 'RSA-OAEP-384', 'RSA-OAEP-512']
const ECDH_ES = ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']

/**
 * A private key in PEM (PKCS#8, PKCS#1 or SEC1, unencrypted) or as one JWK,
 * from `<name>` or the file `<name>_FILE` names, for `use`. The algorithm
 * follows from the key (RSA signs RS256 and decrypts RSA-OAEP-256 unless a
 * JWK's `alg` says otherwise). Errors name the variable, never the key.
 */
export function readClientKey (source: KeySource, use: KeyUse): ClientKeySettings | undefined {
  const { name } = source
  if (source.value !== undefined && source.file !== undefined) {
    throw new ConfigError(`${name} and ${name}_FILE exclude each other: give the key once`)
  }
  const text = source.value ?? (source.file === undefined ? undefined : readKeyFile(`${name}_FILE`, source.file))
  if (text === undefined) {
    if (source.kid !== undefined) throw new ConfigError(`${name}_ID needs ${name} or ${name}_FILE: it names that key`)
    return undefined
  }
  const origin = source.value === undefined ? `${name}_FILE` : name
  const { key, declared } = parsePrivateKey(origin, text)
  if (declared.use !== undefined && declared.use !== use) {
    throw new ConfigError(`${origin} is a JWK with "use": "${String(declared.use)}"; this key is for "${use}"`)
  }
  const alg = use === 'sig' ? signingAlgorithm(origin, key, declared.alg) : encryptionAlgorithm(origin, key, declared.alg)
  const kid = source.kid ?? (typeof declared.kid === 'string' && declared.kid !== '' ? declared.kid : undefined)
  if (kid !== undefined && !KEY_ID.test(kid)) {
    throw new ConfigError(`${source.kid === undefined ? origin : `${name}_ID`} must be a key id of 1 to 128 printable ASCII characters without spaces`)
  }
  return {
    use,
    alg,
    kid,
    privateJwk: key.export({ format: 'jwk' }),
    publicJwk: createPublicKey(key).export({ format: 'jwk' })
  }
}

/** True when two keys have the same public part: one key must not both sign and decrypt. */
export function sameKey (a: ClientKeySettings, b: ClientKeySettings): boolean {
  const x = a.publicJwk
  const y = b.publicJwk
  return x.kty === y.kty && (x.n ?? x.x) === (y.n ?? y.x)
}

function signingAlgorithm (name: string, key: KeyObject, declared: unknown): string {
  const type = key.asymmetricKeyType
  if (type === 'rsa') {
    assertRsaSize(name, key)
    return chosen(name, declared, SIGNING_RSA)
  }
  const curveAlg = type === 'ec' ? EC_SIGNING[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined
  if (curveAlg !== undefined) return chosen(name, declared, [curveAlg])
  if (type === 'ed25519') return chosen(name, declared === 'EdDSA' ? 'Ed25519' : declared, ['Ed25519'])
  throw new ConfigError(`${name} must be an RSA, EC (P-256, P-384 or P-521) or Ed25519 private key to sign with`)
}

function encryptionAlgorithm (name: string, key: KeyObject, declared: unknown): string {
  const type = key.asymmetricKeyType
  if (type === 'rsa') {
    assertRsaSize(name, key)
    return chosen(name, declared, RSA_OAEP)
  }
  // openid-client decrypts ECDH-ES with P-256 and X25519 keys only.
  if ((type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') || type === 'x25519') return chosen(name, declared, ECDH_ES)
  throw new ConfigError(`${name} must be an RSA, EC P-256 or X25519 private key to decrypt with`)
}

function assertRsaSize (name: string, key: KeyObject): void {
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new ConfigError(`${name} must be an RSA key of at least 2048 bits`)
}

/** The JWK's own `alg` when it is one of `allowed`; the first of them when it has none. */
function chosen (name: string, declared: unknown, allowed: readonly string[]): string {
  if (declared === undefined) return allowed[0] as string
  if (typeof declared === 'string' && allowed.includes(declared)) return declared
  throw new ConfigError(`${name} is a JWK whose "alg" does not suit the key; use one of ${allowed.join(', ')}`)
}
