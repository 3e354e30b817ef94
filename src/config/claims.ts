import { ConfigError } from '../errors.js'
import { readJsonObject, readString, SHORT_NAME, type Env } from './readers.js'

/** CLAIMS_NAMESPACE: where the Auth0 Action puts its custom claims; a trailing slash is dropped. */
export function readClaimsNamespace (env: Env): string | undefined {
  const raw = readString(env, 'CLAIMS_NAMESPACE')
  if (raw === undefined) return undefined
  if (/\s/.test(raw)) throw new ConfigError('CLAIMS_NAMESPACE must not contain spaces')
  return raw.replace(/\/+$/, '')
}

/** EID_CONNECTIONS: eID name → the Auth0 connection that signs in with it. */
export function readEidConnections (env: Env): Record<string, string> | undefined {
  const parsed = readJsonObject(env, 'EID_CONNECTIONS', '{"itsme":"criipto-itsme"}')
  if (parsed === undefined) return undefined
  const connections: Record<string, string> = {}
  for (const [name, connection] of Object.entries(parsed)) {
    if (!SHORT_NAME.test(name)) {
      throw new ConfigError('EID_CONNECTIONS keys must be short lower-case eID names (a-z, 0-9, - and _)')
    }
    if (typeof connection !== 'string' || connection.trim() === '') {
      throw new ConfigError('EID_CONNECTIONS values must be non-empty Auth0 connection names')
    }
    connections[name] = connection.trim()
  }
  return connections
}
