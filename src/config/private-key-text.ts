import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfigError } from '../errors.js'

// A key's text, from a file or a variable, turned into a private KeyObject. Errors name the variable, never the key.

/** A JWK's own claims about itself, checked against what the key is for by src/config/client-keys.ts. */
export type DeclaredKeyFields = Partial<Record<'alg' | 'use' | 'kid', unknown>>

const MAX_KEY_BYTES = 64 * 1024

export function readKeyFile (name: string, path: string): string {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConfigError(`${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  if (text.length > MAX_KEY_BYTES) throw new ConfigError(`${name} is larger than a key file can be (64 KiB)`)
  return text
}

export function parsePrivateKey (name: string, text: string): { key: KeyObject, declared: DeclaredKeyFields } {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) return parseJwk(name, trimmed)
  // One line in an env file: PEM line breaks written as \n.
  const pem = trimmed.replace(/\\n/g, '\n')
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new ConfigError(`${name} is an encrypted PEM key; give it unencrypted (the gateway takes no passphrase) and protect the file or variable instead`)
  }
  if (!pem.includes('PRIVATE KEY-----')) throw notAPrivateKey(name)
  try {
    return { key: createPrivateKey(pem), declared: {} }
  } catch {
    throw notAPrivateKey(name)
  }
}

function parseJwk (name: string, text: string): { key: KeyObject, declared: DeclaredKeyFields } {
  let jwk: unknown
  try {
    jwk = JSON.parse(text)
  } catch {
    throw notAPrivateKey(name)
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw notAPrivateKey(name)
  const fields = jwk as Record<string, unknown>
  if (Array.isArray(fields.keys)) throw new ConfigError(`${name} must be one JWK, not a JWK set`)
  if (fields.d === undefined) throw new ConfigError(`${name} is a public key; the gateway needs the private key (the JWK's "d")`)
  try {
    return { key: createPrivateKey({ key: fields as JsonWebKey, format: 'jwk' }), declared: fields }
  } catch {
    throw notAPrivateKey(name)
  }
}

function notAPrivateKey (name: string): ConfigError {
  return new ConfigError(`${name} must be a private key in PEM (PKCS#8, PKCS#1 or SEC1) or as one JWK`)
}
