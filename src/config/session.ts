import { randomBytes } from 'node:crypto'
import { ConfigError } from '../errors.js'
import { sessionCookie } from '../sessions/session-cookie.js'
import { readRedis, type RedisSettings } from './redis.js'
import { readPositiveInteger, readSeconds, readString, type Env } from './readers.js'

export interface SessionConfig {
  /** The first signs; all verify (rotation). */
  readonly secrets: readonly string[]
  readonly secretGenerated: boolean
  readonly store: 'memory' | 'redis'
  /** The Redis connection with SESSION_STORE=redis; undefined with the memory store. */
  readonly redis: RedisSettings | undefined
  readonly idleTimeoutSeconds: number
  readonly maxAgeSeconds: number
  readonly maxEntries: number
  /** The session cookie's name, from the one module that defines the cookie. */
  readonly cookieName: string
  readonly secureCookie: boolean
}

export function readSession (env: Env, baseUrl: URL, production: boolean): SessionConfig {
  const { secrets, generated } = readSecrets(env, production)
  const store = readString(env, 'SESSION_STORE') ?? 'memory'
  if (store !== 'memory' && store !== 'redis') {
    throw new ConfigError('SESSION_STORE must be memory or redis')
  }
  const idleTimeoutSeconds = readSeconds(env, 'SESSION_IDLE_TIMEOUT', 1800)
  const maxAgeSeconds = readSeconds(env, 'SESSION_MAX_AGE', 28800)
  if (idleTimeoutSeconds > maxAgeSeconds) {
    throw new ConfigError('SESSION_IDLE_TIMEOUT must not be longer than SESSION_MAX_AGE')
  }
  // Checked with either store, so a typo shows before the switch to Redis.
  const redis = readRedis(env)
  const secureCookie = baseUrl.protocol === 'https:'
  return {
    secrets,
    secretGenerated: generated,
    store,
    redis: store === 'redis' ? redis : undefined,
    idleTimeoutSeconds,
    maxAgeSeconds,
    maxEntries: readPositiveInteger(env, 'SESSION_MAX_ENTRIES', 100_000),
    cookieName: sessionCookie(secureCookie).name,
    secureCookie
  }
}

/** SESSION_SECRET, a comma-separated list for rotation; a random one outside production. */
function readSecrets (env: Env, production: boolean): { secrets: string[], generated: boolean } {
  const raw = readString(env, 'SESSION_SECRET')
  if (raw === undefined && production) {
    throw new ConfigError('SESSION_SECRET is required when NODE_ENV=production (at least 32 characters)')
  }
  const secrets = raw === undefined ? [randomBytes(32).toString('base64url')] : raw.split(',').map((s) => s.trim())
  if (secrets.some((s) => s.length < 32)) {
    throw new ConfigError('SESSION_SECRET must be at least 32 characters (each one, when a comma-separated list)')
  }
  if (production && secrets.some(isGuessableSecret)) {
    throw new ConfigError('SESSION_SECRET looks like a placeholder or has too little variety; generate one, e.g. with: openssl rand -base64 48')
  }
  return { secrets, generated: raw === undefined }
}

/** Documentation placeholders, and strings like `aaaa…` or `abcabc…` that pass a length check. */
function isGuessableSecret (secret: string): boolean {
  if (/^(change|replace|your|example|insert|put|set|todo|secret|password|placeholder|x{3})/i.test(secret)) return true
  return new Set(secret).size < 12
}
