import { LRUCache } from 'lru-cache'
import type { Profile } from '../claims/profile.js'
import { keepNewerTokens, type SessionStore } from './store.js'
import type { SessionData } from './types.js'

export interface MemoryStoreOptions {
  /**
   * Upper bound on signed-in sessions, and separately on sessions that only
   * hold a login in progress; the least recently used go first.
   */
  readonly maxEntries: number
}

/** One process's sessions, bounded in count and time (the default store). */
export class MemorySessionStore implements SessionStore {
  readonly #sessions: LRUCache<string, SessionData>
  /** Kept apart so that a flood of /login calls cannot push signed-in sessions out. */
  readonly #pendingLogins: LRUCache<string, SessionData>
  readonly #bySid = new Map<string, Set<string>>()
  readonly #bySub = new Map<string, Set<string>>()
  readonly #seen: LRUCache<string, true>
  readonly #claims: LRUCache<string, Profile>
  readonly #locks = new Map<string, number>()

  constructor (options: MemoryStoreOptions) {
    this.#sessions = new LRUCache<string, SessionData>({
      max: options.maxEntries,
      ttlAutopurge: false,
      // Reading a session slides its idle timer without rewriting it.
      updateAgeOnGet: true,
      allowStale: false,
      dispose: (data, id) => this.#unindex(id, data)
    })
    this.#pendingLogins = new LRUCache<string, SessionData>({ max: options.maxEntries, ttlAutopurge: false, allowStale: false })
    this.#seen = new LRUCache<string, true>({ max: 10_000, ttlAutopurge: false })
    this.#claims = new LRUCache<string, Profile>({ max: options.maxEntries, ttlAutopurge: false, allowStale: false })
  }

  async get (id: string): Promise<SessionData | undefined> {
    return this.#sessions.get(id) ?? this.#pendingLogins.get(id)
  }

  async set (id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) {
      await this.destroy(id)
      return
    }
    if (data.user === undefined) {
      this.#sessions.delete(id)
      this.#pendingLogins.set(id, data, { ttl: ttlSeconds * 1000 })
      return
    }
    this.#pendingLogins.delete(id)
    this.#sessions.set(id, keepNewerTokens(data, this.#sessions.get(id, { updateAgeOnGet: false })), { ttl: ttlSeconds * 1000 })
    if (data.user !== undefined) {
      addTo(this.#bySid, data.user.sid, id)
      addTo(this.#bySub, data.user.sub, id)
    }
  }

  async destroy (id: string): Promise<void> {
    this.#sessions.delete(id)
    this.#pendingLogins.delete(id)
  }

  async destroyBySid (sid: string): Promise<number> {
    return this.#destroyAll(this.#bySid.get(sid))
  }

  async destroyBySub (sub: string): Promise<number> {
    return this.#destroyAll(this.#bySub.get(sub))
  }

  async setClaims (sub: string, profile: Profile, ttlSeconds: number): Promise<void> {
    this.#claims.set(sub, profile, { ttl: ttlSeconds * 1000 })
  }

  async getClaims (sub: string): Promise<Profile | undefined> {
    return this.#claims.get(sub)
  }

  async deleteClaims (sub: string): Promise<void> {
    this.#claims.delete(sub)
  }

  async subjectOfSid (sid: string): Promise<string | undefined> {
    for (const id of this.#bySid.get(sid) ?? []) {
      const sub = this.#sessions.get(id, { updateAgeOnGet: false })?.user?.sub
      if (sub !== undefined) return sub
    }
    return undefined
  }

  async remember (key: string, ttlSeconds: number): Promise<boolean> {
    if (this.#seen.has(key)) return false
    this.#seen.set(key, true, { ttl: ttlSeconds * 1000 })
    return true
  }

  async lock (name: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const now = Date.now()
    const heldUntil = this.#locks.get(name)
    if (heldUntil !== undefined && heldUntil > now) return undefined
    const until = now + ttlMs
    this.#locks.set(name, until)
    return async () => {
      // Only our own hold is released, not a later one taken after ours expired.
      if (this.#locks.get(name) === until) this.#locks.delete(name)
    }
  }

  async ping (): Promise<void> {}

  async close (): Promise<void> {
    this.#sessions.clear()
    this.#pendingLogins.clear()
    this.#seen.clear()
    this.#claims.clear()
    this.#locks.clear()
  }

  /** Signed-in sessions held now, expired ones included until they are touched. */
  get size (): number {
    return this.#sessions.size
  }

  /** Sessions that only hold a login in progress. */
  get pendingLoginCount (): number {
    return this.#pendingLogins.size
  }

  #destroyAll (ids: Set<string> | undefined): number {
    if (ids === undefined) return 0
    let count = 0
    for (const id of [...ids]) {
      if (this.#sessions.delete(id)) count++
    }
    return count
  }

  #unindex (id: string, data: SessionData): void {
    if (data.user === undefined) return
    removeFrom(this.#bySid, data.user.sid, id)
    removeFrom(this.#bySub, data.user.sub, id)
  }
}

function addTo (index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key)
  if (ids === undefined) index.set(key, new Set([id]))
  else ids.add(id)
}

function removeFrom (index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key)
  if (ids === undefined) return
  ids.delete(id)
  if (ids.size === 0) index.delete(key)
}
