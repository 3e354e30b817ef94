import { ConfigError } from '../errors.js'

/** The environment as the gateway reads it; nothing outside src/config/ reads it. */
export type Env = Readonly<Record<string, string | undefined>>

export interface HostPort { readonly host: string, readonly port: number }

/** A short lower-case name: an eID in EID_CONNECTIONS, an upstream's /api/<name>/. */
export const SHORT_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/

/** The value, trimmed; blank counts as unset, as in a .env file with `NAME=`. */
export function readString (env: Env, name: string): string | undefined {
  const raw = env[name]?.trim()
  return raw === undefined || raw === '' ? undefined : raw
}

export function readBoolean (env: Env, name: string): boolean | undefined {
  const raw = readString(env, name)
  if (raw === undefined) return undefined
  if (raw === 'true' || raw === 'false') return raw === 'true'
  throw new ConfigError(`${name} must be true or false`)
}

/** A whole number above 0; `what` names it in the error, e.g. "a positive whole number of seconds". */
export function readPositiveInteger (env: Env, name: string, fallback: number, what = 'a positive whole number'): number {
  const raw = readString(env, name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be ${what}`)
  }
  return value
}

export function readSeconds (env: Env, name: string, fallback: number): number {
  return readPositiveInteger(env, name, fallback, 'a positive whole number of seconds')
}

export function readPerMinute (env: Env, name: string, fallback: number): number {
  return readPositiveInteger(env, name, fallback, 'a positive whole number of requests per minute')
}

/** A TCP port; `lowest` is 1 where 0 (any free port) makes no sense. */
export function readPort (env: Env, name: string, lowest: 0 | 1 = 0): number | undefined {
  const raw = readString(env, name)
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < lowest || value > 65535) {
    throw new ConfigError(`${name} must be a port number from ${lowest} to 65535`)
  }
  return value
}

export function readAbsoluteUrl (env: Env, name: string): URL | undefined {
  const raw = readString(env, name)
  if (raw === undefined) return undefined
  try {
    return new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be an absolute URL`)
  }
}

/** A comma-separated list of host:port, e.g. `10.0.0.1:26379,[::1]:26380`. */
export function readHostList (env: Env, name: string): HostPort[] | undefined {
  const raw = readString(env, name)
  if (raw === undefined) return undefined
  return raw.split(',').map((entry) => {
    const match = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(entry.trim())
    const port = Number(match?.[2])
    if (match === null || port < 1 || port > 65535) {
      throw new ConfigError(`${name} must be a comma-separated list of host:port, such as 10.0.0.1:26379,10.0.0.2:26379`)
    }
    return { host: match[1] as string, port }
  })
}

/** A JSON object (not an array, not null); `example` shows one in the error. */
export function readJsonObject (env: Env, name: string, example: string): Record<string, unknown> | undefined {
  const raw = readString(env, name)
  if (raw === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new ConfigError(`${name} must be a JSON object such as ${example}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${name} must be a JSON object such as ${example}`)
  }
  return parsed as Record<string, unknown>
}

/** One of a fixed list of words. */
export function readChoice<T extends string> (env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = readString(env, name) ?? fallback
  if (!choices.includes(raw as T)) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}`)
  }
  return raw as T
}
