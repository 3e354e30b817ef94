import { Redis } from 'ioredis'
import { GatewayError } from '../errors.js'
import type { SessionCipher } from './cipher.js'
import type { SessionStore } from './store.js'
import type { SessionData } from './types.js'

export interface RedisStoreOptions {
  readonly url: URL
  readonly keyPrefix: string
  readonly cipher: SessionCipher
  /** Reads slide a session's expiry to this many seconds (the idle timeout). */
  readonly idleTimeoutSeconds: number
  /** How long the sid and sub indexes live: the absolute session lifetime. */
  readonly maxAgeSeconds: number
  /** A command that takes longer fails, so a slow Redis gives a 503, not a hang. */
  readonly commandTimeoutMs?: number
}

/**
 * Sessions shared by every gateway instance, encrypted at rest. Keys:
 * `s:<id>` (the encrypted session, with its TTL), `sid:<hash>` and
 * `sub:<hash>` (sets of session ids), `once:<hash>` (one-time values).
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis
  readonly #options: RedisStoreOptions

  constructor (options: RedisStoreOptions) {
    this.#options = options
    this.#redis = new Redis(options.url.href, {
      keyPrefix: options.keyPrefix,
      // Fail fast while disconnected instead of queueing: callers get a 503 at once.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000)
    })
    // ioredis reports connection errors here; reconnecting is its job.
    this.#redis.on('error', () => {})
  }

  async get (id: string): Promise<SessionData | undefined> {
    const blob = await this.#run(() => this.#redis.getex(`s:${id}`, 'EX', this.#options.idleTimeoutSeconds))
    if (blob === null) return undefined
    const data = this.#options.cipher.decrypt(id, blob)
    return typeof data === 'object' && data !== null ? data as SessionData : undefined
  }

  async set (id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return await this.destroy(id)
    const multi = this.#redis.multi().set(`s:${id}`, this.#options.cipher.encrypt(id, data), 'EX', ttlSeconds)
    if (data.user !== undefined) {
      for (const index of this.#indexKeys(data.user.sid, data.user.sub)) {
        multi.sadd(index, id).expire(index, this.#options.maxAgeSeconds)
      }
    }
    await this.#run(() => multi.exec())
  }

  async destroy (id: string): Promise<void> {
    const data = await this.get(id)
    const multi = this.#redis.multi().del(`s:${id}`)
    if (data?.user !== undefined) {
      for (const index of this.#indexKeys(data.user.sid, data.user.sub)) multi.srem(index, id)
    }
    await this.#run(() => multi.exec())
  }

  async destroyBySid (sid: string): Promise<number> {
    return await this.#destroyIndexes(this.#options.cipher.allIndexNames(sid).map((name) => `sid:${name}`))
  }

  async destroyBySub (sub: string): Promise<number> {
    return await this.#destroyIndexes(this.#options.cipher.allIndexNames(sub).map((name) => `sub:${name}`))
  }

  async remember (key: string, ttlSeconds: number): Promise<boolean> {
    const result = await this.#run(() => this.#redis.set(`once:${this.#options.cipher.indexName(key)}`, '1', 'EX', ttlSeconds, 'NX'))
    return result === 'OK'
  }

  async ping (): Promise<void> {
    await this.#run(() => this.#redis.ping())
  }

  async close (): Promise<void> {
    this.#redis.disconnect()
  }

  #indexKeys (sid: string, sub: string): string[] {
    const { cipher } = this.#options
    return [`sid:${cipher.indexName(sid)}`, `sub:${cipher.indexName(sub)}`]
  }

  async #destroyIndexes (indexes: string[]): Promise<number> {
    const ids = await this.#run(() => this.#redis.sunion(...indexes))
    if (ids.length === 0) return 0
    const results = await this.#run(() => this.#redis.multi().del(...ids.map((id) => `s:${id}`)).del(...indexes).exec())
    return Number(results?.[0]?.[1] ?? 0)
  }

  async #run<T> (command: () => Promise<T>): Promise<T> {
    try {
      return await command()
    } catch (error) {
      throw new GatewayError('session_store_unavailable', 'The session store is unavailable; try again shortly', 503, { cause: error })
    }
  }
}
