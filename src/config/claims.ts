import { levelOfAcrValues } from '../claims/assurance.js'
import { eidOfAcrValues, type EidOption } from '../claims/eid-options.js'
import { ConfigError } from '../errors.js'
import { readJsonObject, readString, SHORT_NAME, type Env } from './readers.js'

export type { EidOption } from '../claims/eid-options.js'

/** CLAIMS_NAMESPACE: where the Auth0 Action puts its custom claims; a trailing slash is dropped. */
export function readClaimsNamespace (env: Env): string | undefined {
  const raw = readString(env, 'CLAIMS_NAMESPACE')
  if (raw === undefined) return undefined
  if (/\s/.test(raw)) throw new ConfigError('CLAIMS_NAMESPACE must not contain spaces')
  return raw.replace(/\/+$/, '')
}

const EXAMPLE = '{"itsme":"criipto-itsme"} or {"itsme":{"connection":"criipto-itsme","acr_values":"urn:grn:authn:itsme:advanced"},"mitid":{"acr_values":"urn:grn:authn:dk:mitid:substantial"}}'
const OPTIONS = ['connection', 'acr', 'acr_values', 'login_hint', 'eid']
/** One acr value: a URI or a plain token; no space, control character, quote or backslash (it goes into a WWW-Authenticate challenge). */
const ACR = /^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/
/** Printable, one line: it ends up in the authorization URL. */
const LOGIN_HINT = /^[^\p{C}\p{Zl}\p{Zp}]{1,128}$/u

/**
 * EID_CONNECTIONS: eID option name → an Auth0 connection name (the short
 * form), or → an object: `connection` (Auth0) with the `acr` its metadata URL
 * is bound to, or `acr_values` (Idura as the issuer, or an Auth0 connection
 * that passes them on), plus an optional `login_hint` prefix and `eid`.
 * `fallback` (the development defaults) stands in when it is unset.
 */
export function readEidOptions (env: Env, fallback?: Readonly<Record<string, unknown>>): EidOption[] {
  const parsed = readJsonObject(env, 'EID_CONNECTIONS', EXAMPLE) ?? fallback
  return parsed === undefined ? [] : eidOptionsOf(parsed)
}

/** EID_CONNECTIONS as option name → Auth0 connection, for the options that name one; undefined when unset. */
export function readEidConnections (env: Env): Record<string, string> | undefined {
  const parsed = readJsonObject(env, 'EID_CONNECTIONS', EXAMPLE)
  return parsed === undefined ? undefined : connectionsOf(eidOptionsOf(parsed))
}

/** Option name → Auth0 connection, for the options that name one. */
export function connectionsOf (options: readonly EidOption[]): Record<string, string> {
  const connections: Record<string, string> = {}
  for (const option of options) {
    if (option.connection !== undefined) connections[option.name] = option.connection
  }
  return connections
}

/** The options of an EID_CONNECTIONS object, in its order; every fault a one-line ConfigError naming the entry. */
export function eidOptionsOf (entries: Readonly<Record<string, unknown>>): EidOption[] {
  return Object.entries(entries).map(([name, entry]) => {
    if (!SHORT_NAME.test(name)) {
      throw new ConfigError('EID_CONNECTIONS keys must be short lower-case eID names (a-z, 0-9, - and _)')
    }
    return readEidOption(name, typeof entry === 'string' ? { connection: entry } : entry)
  })
}

function readEidOption (name: string, entry: unknown): EidOption {
  const key = `EID_CONNECTIONS.${name}`
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(`EID_CONNECTIONS values must be Auth0 connection names or objects with ${OPTIONS.join(', ')} (${name})`)
  }
  const { connection, acr, acr_values: acrValues, login_hint: loginHint, eid, ...unknown } = entry as Record<string, unknown>
  const unknownKey = Object.keys(unknown)[0]
  if (unknownKey !== undefined) {
    throw new ConfigError(`${key} has an unknown option ${JSON.stringify(unknownKey.slice(0, 32))} (known: ${OPTIONS.join(', ')})`)
  }
  const option = {
    connection: readText(connection, `${key}.connection`, 'a non-empty Auth0 connection name', /^\S{1,128}$/),
    connectionAcr: readText(acr, `${key}.acr`, 'one acr value, such as urn:grn:authn:itsme:advanced', ACR),
    acrValues: readAcrValues(acrValues, `${key}.acr_values`),
    loginHint: readText(loginHint, `${key}.login_hint`, '1 to 128 printable characters', LOGIN_HINT),
    eid: readText(eid, `${key}.eid`, 'a short lower-case eID name such as itsme', SHORT_NAME)
  }
  if (option.connection === undefined && option.acrValues.length === 0) {
    throw new ConfigError(`EID_CONNECTIONS values must be Auth0 connection names or objects with ${OPTIONS.join(', ')}: ${key} needs a connection or acr_values`)
  }
  if (option.connectionAcr !== undefined && option.connection === undefined) {
    throw new ConfigError(`${key}.acr is the acr value an Auth0 connection is bound to: name the connection too, or send acr_values`)
  }
  if (option.connectionAcr !== undefined && option.acrValues.length > 0) {
    throw new ConfigError(`${key} takes acr (the connection's own) or acr_values (sent), not both`)
  }
  const asked = option.connectionAcr === undefined ? option.acrValues : [option.connectionAcr]
  const acrEid = eidOfAcrValues(asked)
  if (option.eid !== undefined && acrEid !== undefined && option.eid !== acrEid) {
    throw new ConfigError(`${key}.eid is ${option.eid}, but its acr values are ${acrEid}'s`)
  }
  return {
    name,
    eid: option.eid ?? acrEid ?? name,
    connection: option.connection,
    acrValues: option.acrValues,
    connectionAcr: option.connectionAcr,
    loginHint: option.loginHint,
    level: levelOfAcrValues(asked)
  }
}

function readText (raw: unknown, key: string, what: string, pattern: RegExp): string | undefined {
  if (raw === undefined) return undefined
  const value = typeof raw === 'string' ? raw.trim() : undefined
  if (value === undefined || !pattern.test(value)) throw new ConfigError(`${key} must be ${what}`)
  return value
}

/** Space-separated acr values, each once, as they are sent (the level table compares them in any case). */
function readAcrValues (raw: unknown, key: string): string[] {
  if (raw === undefined) return []
  const values = typeof raw === 'string' ? raw.trim().split(/ +/) : []
  if (values.length === 0 || values.length > 8 || !values.every((value) => ACR.test(value)) || new Set(values).size !== values.length) {
    throw new ConfigError(`${key} must be 1 to 8 space-separated acr values, each once, such as urn:grn:authn:itsme:advanced`)
  }
  return values
}
