import { GatewayError } from '../errors.js'
import type { KeyedHash } from '../security/keyed-hash.js'
import type { SessionCipher } from './cipher.js'
import { userData } from './session-user.js'
import type { RedisClient } from './redis-connection.js'
import { storeCall } from './store-errors.js'
import { isLive, keepNewerTokens, tokenGeneration, type SessionStore, type SubjectSession } from './store.js'
import type { SessionData, SessionUser } from './types.js'

export interface RedisStoreOptions {
  /** The shared connection; its owner closes it. */
  readonly redis: RedisClient
  readonly cipher: SessionCipher
  /** Key names for session ids. */
  readonly sessionNames: KeyedHash
  /** Key names for sids and subjects. */
  readonly indexNames: KeyedHash
  /** Reads slide a session's expiry to this many seconds (the idle timeout). */
  readonly idleTimeoutSeconds: number
  /** How long the sid and sub indexes live: the absolute session lifetime. */
  readonly maxAgeSeconds: number
}

interface ScriptedRedis {
  /** SET XX unless the stored value's token generation is newer: 1 written, 0 newer stored, -1 no such session. */
  updateUnlessNewer (key: string, generation: number, value: string, ttlSeconds: number): Promise<number>
}

/*
 * Values are `<token generation>.<encrypted session>`: the generation stays
 * readable so the write can be compared inside Redis, atomically, and only a
 * session that still exists is rewritten (a logout in between wins).
 */
const UPDATE_UNLESS_NEWER = `
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
local stored = tonumber(string.match(current, '^(%d+)%.'))
if stored and stored > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '.' .. ARGV[2], 'EX', ARGV[3])
return 1`

/** Attempts at a write that keeps newer tokens; each lost race means a refresh just landed. */
const WRITE_ATTEMPTS = 3

/**
 * Sessions shared by every gateway instance, encrypted at rest. Keys:
 * `s:<name>` (the encrypted session, with its TTL), `sid:<name>` and
 * `sub:<name>` (sorted sets of session key names, scored by the session's
 * absolute end). Every name is a keyed hash (src/security/keyed-hash.ts), so
 * a dump shows no session id, subject or sid. Every command touches one key,
 * so the same code runs on a Redis Cluster, where keys live in different slots.
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: RedisClient & ScriptedRedis
  readonly #options: RedisStoreOptions

  constructor (options: RedisStoreOptions) {
    this.#options = options
    options.redis.defineCommand('updateUnlessNewer', { numberOfKeys: 1, lua: UPDATE_UNLESS_NEWER })
    this.#redis = options.redis as RedisClient & ScriptedRedis
  }

  async get (id: string): Promise<SessionData | undefined> {
    // Named under the current secret; before a rotation, under an older one.
    for (const name of this.#options.sessionNames.all(id)) {
      const value = await storeCall(() => this.#redis.getex(`s:${name}`, 'EX', this.#options.idleTimeoutSeconds))
      if (value !== null) return this.#decode(name, value)
    }
    return undefined
  }

  async create (id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return
    const name = this.#options.sessionNames.current(id)
    // Indexes first: a session that exists is always findable by back-channel logout.
    if (data.user !== undefined) await this.#index(name, data.user)
    await storeCall(() => this.#redis.set(`s:${name}`, this.#encode(name, data), 'EX', ttlSeconds))
  }

  async update (id: string, data: SessionData, ttlSeconds: number): Promise<boolean> {
    if (ttlSeconds <= 0) {
      await this.destroy(id)
      return false
    }
    for (const name of this.#options.sessionNames.all(id)) {
      if (await this.#rewrite(name, data, ttlSeconds)) return true
    }
    return false
  }

  async destroy (id: string): Promise<void> {
    for (const name of this.#options.sessionNames.all(id)) {
      const user = (await this.#peek(name))?.user
      await storeCall(() => this.#redis.del(`s:${name}`))
      if (user !== undefined) {
        await storeCall(() => Promise.all(this.#indexKeys(user).map((index) => this.#redis.zrem(index, name))))
      }
    }
  }

  async destroyBySid (sid: string): Promise<number> {
    return await this.#destroyIndexes(this.#options.indexNames.all(sid).map((name) => `sid:${name}`))
  }

  async destroyBySub (sub: string): Promise<number> {
    return await this.#destroyIndexes(this.#options.indexNames.all(sub).map((name) => `sub:${name}`))
  }

  async sessionsOfSub (sub: string): Promise<SubjectSession[]> {
    const { idleTimeoutSeconds, indexNames } = this.#options
    const sessions: SubjectSession[] = []
    for (const name of await this.#members(indexNames.all(sub).map((index) => `sub:${index}`))) {
      const [value, remainingMs] = await storeCall(() => Promise.all([this.#redis.get(`s:${name}`), this.#redis.pttl(`s:${name}`)]))
      const data = value === null ? undefined : this.#decode(name, value)
      if (data === undefined || !isLive(data.user)) continue
      // Every read sets the idle timeout afresh (GETEX): what is left of it dates the last one.
      const lastSeenAt = Date.now() - (idleTimeoutSeconds * 1000 - Math.max(0, remainingMs))
      // The key name is a keyed hash of the id: it names the session without giving it away.
      sessions.push({ handle: name, user: data.user, data, lastSeenAt })
    }
    return sessions
  }

  handleOf (id: string): string {
    return this.#options.sessionNames.current(id)
  }

  async destroyByHandle (sub: string, handle: string): Promise<boolean> {
    const mine = (await this.sessionsOfSub(sub)).find((session) => session.handle === handle)
    if (mine === undefined) return false
    await storeCall(() => this.#redis.del(`s:${handle}`))
    await storeCall(() => Promise.all(this.#indexKeys(mine.user).map((index) => this.#redis.zrem(index, handle))))
    return true
  }

  async ping (): Promise<void> {
    await storeCall(() => this.#redis.ping())
  }

  async close (): Promise<void> {}

  /** Reads without sliding the idle timer. */
  async #peek (name: string): Promise<SessionData | undefined> {
    const value = await storeCall(() => this.#redis.get(`s:${name}`))
    return value === null ? undefined : this.#decode(name, value)
  }

  #encode (name: string, data: SessionData): string {
    return `${tokenGeneration(data)}.${this.#encrypt(name, data)}`
  }

  #encrypt (name: string, data: SessionData): string {
    return this.#options.cipher.encrypt(name, data.user === undefined ? data : { ...data, user: userData(data.user) })
  }

  #decode (name: string, value: string): SessionData | undefined {
    const data = this.#options.cipher.decrypt(name, value.slice(value.indexOf('.') + 1))
    return typeof data === 'object' && data !== null ? data as SessionData : undefined
  }

  #indexKeys (user: SessionUser): string[] {
    const { indexNames } = this.#options
    return [`sid:${indexNames.current(user.sid)}`, `sub:${indexNames.current(user.sub)}`]
  }

  /** Rewrites `s:<name>` if it exists (true), keeping newer tokens; false when there is no such session. */
  async #rewrite (name: string, data: SessionData, ttlSeconds: number): Promise<boolean> {
    let next = data
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const written = await storeCall(() => this.#redis.updateUnlessNewer(`s:${name}`, tokenGeneration(next), this.#encrypt(name, next), ttlSeconds))
      if (written !== 0) return written === 1
      next = keepNewerTokens(next, await this.#peek(name))
    }
    throw new GatewayError('session_store_unavailable', 'The session changed too often to be saved; try again', 503)
  }

  async #index (name: string, user: SessionUser): Promise<void> {
    const { maxAgeSeconds } = this.#options
    // Scored by the session's absolute end: members past it are pruned on
    // every write, so a user who signs in daily does not grow the index forever.
    await storeCall(() => Promise.all(this.#indexKeys(user).flatMap((index) => [
      this.#redis.zadd(index, user.expiresAt, name),
      this.#redis.zremrangebyscore(index, '-inf', Date.now()),
      this.#redis.expire(index, maxAgeSeconds)
    ])))
  }

  async #members (indexes: string[]): Promise<string[]> {
    const members = await storeCall(() => Promise.all(indexes.map((index) => this.#redis.zrangebyscore(index, Date.now(), '+inf'))))
    return [...new Set(members.flat())]
  }

  async #destroyIndexes (indexes: string[]): Promise<number> {
    const names = await this.#members(indexes)
    const deleted = await storeCall(() => Promise.all([
      ...names.map((name) => this.#redis.del(`s:${name}`)),
      ...indexes.map((index) => this.#redis.del(index))
    ]))
    return deleted.slice(0, names.length).reduce((sum, count) => sum + count, 0)
  }
}
