import { LRUCache } from 'lru-cache'
import type { RedisClient } from './redis-connection.js'
import { storeCall } from './store-errors.js'
import type { KeyedHash } from '../security/keyed-hash.js'
import type { ReplayGuard } from './store.js'

/** One process's one-time values, bounded: the oldest go first. */
export class MemoryReplayGuard implements ReplayGuard {
  readonly #seen = new LRUCache<string, true>({ max: 10_000, ttlAutopurge: false })

  async seen (key: string): Promise<boolean> {
    return this.#seen.has(key)
  }

  async record (key: string, ttlSeconds: number): Promise<void> {
    this.#seen.set(key, true, { ttl: ttlSeconds * 1000 })
  }
}

/** One-time values shared by every instance: `once:<keyed hash>`, so a dump names no token. */
export class RedisReplayGuard implements ReplayGuard {
  readonly #redis: RedisClient
  readonly #hash: KeyedHash

  constructor (redis: RedisClient, hash: KeyedHash) {
    this.#redis = redis
    this.#hash = hash
  }

  async seen (key: string): Promise<boolean> {
    // One key per command: a Cluster keeps the names in different slots.
    for (const name of this.#hash.all(key)) {
      if (await storeCall(() => this.#redis.exists(`once:${name}`)) === 1) return true
    }
    return false
  }

  async record (key: string, ttlSeconds: number): Promise<void> {
    await storeCall(() => this.#redis.set(`once:${this.#hash.current(key)}`, '1', 'EX', ttlSeconds))
  }
}
