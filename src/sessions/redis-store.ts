import { randomBytes } from 'node:crypto'
import type { Profile } from '../claims/profile.js'
import { GatewayError } from '../errors.js'
import type { SessionCipher } from './cipher.js'
import { connectRedis, type RedisClient, type RedisConnectionSettings } from './redis-connection.js'
import { keepNewerTokens, tokenGeneration, type SessionStore } from './store.js'
import type { SessionData } from './types.js'

export interface RedisStoreOptions extends RedisConnectionSettings {
  readonly cipher: SessionCipher
  /** Reads slide a session's expiry to this many seconds (the idle timeout). */
  readonly idleTimeoutSeconds: number
  /** How long the sid and sub indexes live: the absolute session lifetime. */
  readonly maxAgeSeconds: number
}

interface ScriptedRedis {
  /** SET unless the stored value's token generation is newer; 1 when written. */
  setUnlessNewer (key: string, generation: number, value: string, ttlSeconds: number): Promise<number>
  /** DEL only when the key still holds this holder's token. */
  releaseLock (key: string, token: string): Promise<number>
}

/*
 * Values are `<token generation>.<encrypted session>`: the generation stays
 * readable so the write can be compared inside Redis, atomically.
 */
const SET_UNLESS_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local stored = tonumber(string.match(current, '^(%d+)%.'))
  if stored and stored > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '.' .. ARGV[2], 'EX', ARGV[3])
return 1`

const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** Attempts at a write that keeps newer tokens; each lost race means a refresh just landed. */
const WRITE_ATTEMPTS = 3

/**
 * Sessions shared by every gateway instance, encrypted at rest. Keys:
 * `s:<id>` (the encrypted session, with its TTL), `sid:<hash>` and
 * `sub:<hash>` (sorted sets of session ids, scored by the session's absolute end),
 * `c:<hash>` (the claims directory: a user's encrypted profile), `once:<hash>` (one-time values),
 * `lock:<hash>` (locks). Every command touches one key, so the same code runs
 * on a Redis Cluster, where keys live in different slots.
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: RedisClient & ScriptedRedis
  readonly #options: RedisStoreOptions

  constructor (options: RedisStoreOptions) {
    this.#options = options
    const redis = connectRedis(options)
    redis.defineCommand('setUnlessNewer', { numberOfKeys: 1, lua: SET_UNLESS_NEWER })
    redis.defineCommand('releaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK })
    this.#redis = redis as RedisClient & ScriptedRedis
  }

  /** The connection, for other state the instances share (rate-limit counters). */
  get client (): RedisClient {
    return this.#redis
  }

  async get (id: string): Promise<SessionData | undefined> {
    const value = await this.#run(() => this.#redis.getex(`s:${id}`, 'EX', this.#options.idleTimeoutSeconds))
    return value === null ? undefined : this.#decode(id, value)
  }

  async set (id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return await this.destroy(id)
    // Indexes first: a session that exists is always findable by back-channel logout.
    const user = data.user
    if (user !== undefined) {
      const { maxAgeSeconds } = this.#options
      // Scored by the session's absolute end: members past it are pruned on
      // every write, so a user who signs in daily does not grow the index forever.
      await this.#run(() => Promise.all(this.#indexKeys(user.sid, user.sub).flatMap((index) => [
        this.#redis.zadd(index, user.expiresAt, id),
        this.#redis.zremrangebyscore(index, '-inf', Date.now()),
        this.#redis.expire(index, maxAgeSeconds)
      ])))
    }
    let next = data
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const written = await this.#run(() => this.#redis.setUnlessNewer(`s:${id}`, tokenGeneration(next), this.#options.cipher.encrypt(id, next), ttlSeconds))
      if (written === 1) return
      next = keepNewerTokens(next, await this.#peek(id))
    }
    throw new GatewayError('session_store_unavailable', 'The session changed too often to be saved; try again', 503)
  }

  async destroy (id: string): Promise<void> {
    const data = await this.#peek(id)
    await this.#run(() => this.#redis.del(`s:${id}`))
    if (data?.user !== undefined) {
      const indexes = this.#indexKeys(data.user.sid, data.user.sub)
      await this.#run(() => Promise.all(indexes.map((index) => this.#redis.zrem(index, id))))
    }
  }

  async destroyBySid (sid: string): Promise<number> {
    return await this.#destroyIndexes(this.#options.cipher.allIndexNames(sid).map((name) => `sid:${name}`))
  }

  async destroyBySub (sub: string): Promise<number> {
    return await this.#destroyIndexes(this.#options.cipher.allIndexNames(sub).map((name) => `sub:${name}`))
  }

  async subjectOfSid (sid: string): Promise<string | undefined> {
    for (const name of this.#options.cipher.allIndexNames(sid)) {
      const ids = await this.#run(() => this.#redis.zrangebyscore(`sid:${name}`, Date.now(), '+inf'))
      for (const id of ids) {
        const sub = (await this.#peek(id))?.user?.sub
        if (sub !== undefined) return sub
      }
    }
    return undefined
  }

  async setClaims (sub: string, profile: Profile, ttlSeconds: number): Promise<void> {
    const { cipher } = this.#options
    await this.#run(() => this.#redis.set(`c:${cipher.indexName(sub)}`, cipher.encrypt(claimsContext(sub), profile), 'EX', ttlSeconds))
  }

  async getClaims (sub: string): Promise<Profile | undefined> {
    const { cipher } = this.#options
    // Written under the newest secret; before a rotation, under an older one.
    for (const name of cipher.allIndexNames(sub)) {
      const value = await this.#run(() => this.#redis.get(`c:${name}`))
      const profile = value === null ? undefined : cipher.decrypt(claimsContext(sub), value)
      if (typeof profile === 'object' && profile !== null) return profile as Profile
    }
    return undefined
  }

  async deleteClaims (sub: string): Promise<void> {
    const names = this.#options.cipher.allIndexNames(sub)
    await this.#run(() => Promise.all(names.map((name) => this.#redis.del(`c:${name}`))))
  }

  async remember (key: string, ttlSeconds: number): Promise<boolean> {
    const result = await this.#run(() => this.#redis.set(`once:${this.#options.cipher.indexName(key)}`, '1', 'EX', ttlSeconds, 'NX'))
    return result === 'OK'
  }

  async lock (name: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const key = `lock:${this.#options.cipher.indexName(name)}`
    const token = randomBytes(16).toString('base64url')
    const taken = await this.#run(() => this.#redis.set(key, token, 'PX', ttlMs, 'NX'))
    if (taken !== 'OK') return undefined
    return async () => { await this.#run(() => this.#redis.releaseLock(key, token)) }
  }

  async ping (): Promise<void> {
    await this.#run(() => this.#redis.ping())
  }

  async close (): Promise<void> {
    this.#redis.disconnect()
  }

  /** Reads without sliding the idle timer. */
  async #peek (id: string): Promise<SessionData | undefined> {
    const value = await this.#run(() => this.#redis.get(`s:${id}`))
    return value === null ? undefined : this.#decode(id, value)
  }

  #decode (id: string, value: string): SessionData | undefined {
    const data = this.#options.cipher.decrypt(id, value.slice(value.indexOf('.') + 1))
    return typeof data === 'object' && data !== null ? data as SessionData : undefined
  }

  #indexKeys (sid: string, sub: string): string[] {
    const { cipher } = this.#options
    return [`sid:${cipher.indexName(sid)}`, `sub:${cipher.indexName(sub)}`]
  }

  async #destroyIndexes (indexes: string[]): Promise<number> {
    const members = await this.#run(() => Promise.all(indexes.map((index) => this.#redis.zrangebyscore(index, Date.now(), '+inf'))))
    const ids = [...new Set(members.flat())]
    const deleted = await this.#run(() => Promise.all([
      ...ids.map((id) => this.#redis.del(`s:${id}`)),
      ...indexes.map((index) => this.#redis.del(index))
    ]))
    return deleted.slice(0, ids.length).reduce((sum, count) => sum + count, 0)
  }

  async #run<T> (command: () => Promise<T>): Promise<T> {
    try {
      return await command()
    } catch (error) {
      throw new GatewayError('session_store_unavailable', 'The session store is unavailable; try again shortly', 503, { cause: error })
    }
  }
}

/** Bound into the encryption: a claims blob never decrypts as a session, or as another user's claims. */
function claimsContext (sub: string): string {
  return `claims:${sub}`
}
