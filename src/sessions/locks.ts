import { randomBytes } from 'node:crypto'
import type { KeyedHash } from '../security/keyed-hash.js'
import type { RedisClient } from './redis-connection.js'
import { storeCall } from './store-errors.js'
import type { Locks } from './store.js'

/** One process's locks. */
export class MemoryLocks implements Locks {
  readonly #heldUntil = new Map<string, number>()

  async acquire (name: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const now = Date.now()
    const heldUntil = this.#heldUntil.get(name)
    if (heldUntil !== undefined && heldUntil > now) return undefined
    const until = now + ttlMs
    this.#heldUntil.set(name, until)
    return async () => {
      // Only our own hold is released, not a later one taken after ours expired.
      if (this.#heldUntil.get(name) === until) this.#heldUntil.delete(name)
    }
  }
}

interface LockingRedis {
  /** DEL only when the key still holds this holder's token. */
  releaseLock (key: string, token: string): Promise<number>
}

const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** Locks shared by every instance: `lock:<keyed hash>` holding its holder's random token. */
export class RedisLocks implements Locks {
  readonly #redis: RedisClient & LockingRedis
  readonly #hash: KeyedHash

  constructor (redis: RedisClient, hash: KeyedHash) {
    redis.defineCommand('releaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK })
    this.#redis = redis as RedisClient & LockingRedis
    this.#hash = hash
  }

  async acquire (name: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const key = `lock:${this.#hash.current(name)}`
    const token = randomBytes(16).toString('base64url')
    const taken = await storeCall(() => this.#redis.set(key, token, 'PX', ttlMs, 'NX'))
    if (taken !== 'OK') return undefined
    return async () => { await storeCall(() => this.#redis.releaseLock(key, token)) }
  }
}
