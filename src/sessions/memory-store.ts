import { LRUCache } from 'lru-cache'
import { randomBytes } from 'node:crypto'
import { keyedHash, type KeyedHash } from '../security/keyed-hash.js'
import { isLive, keepNewerTokens, type SessionStore, type SubjectSession } from './store.js'
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
  /** Names sessions in a subject's list without giving their ids away; they live as long as this process. */
  readonly #handles: KeyedHash = keyedHash([randomBytes(32).toString('base64url')], 'session-handles')

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
  }

  async get (id: string): Promise<SessionData | undefined> {
    return this.#sessions.get(id) ?? this.#pendingLogins.get(id)
  }

  async create (id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    this.#write(id, data, ttlSeconds)
  }

  async update (id: string, data: SessionData, ttlSeconds: number): Promise<boolean> {
    // `has` leaves the idle timer alone and answers false for an expired entry.
    if (ttlSeconds <= 0 || (!this.#sessions.has(id) && !this.#pendingLogins.has(id))) {
      await this.destroy(id)
      return false
    }
    this.#write(id, data, ttlSeconds)
    return true
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

  async sessionsOfSub (sub: string): Promise<SubjectSession[]> {
    const sessions: SubjectSession[] = []
    const now = Date.now()
    // A copy of the ids: reading an expired entry unindexes it.
    for (const id of [...this.#bySub.get(sub) ?? []]) {
      const status: LRUCache.Status<string, SessionData> = {}
      const data = this.#sessions.get(id, { updateAgeOnGet: false, status })
      if (data === undefined || !isLive(data.user, now)) continue
      // The idle timer restarts with each read: its start is the last request.
      const lastSeenAt = now - ((status.ttl ?? 0) - (status.remainingTTL ?? 0))
      sessions.push({ handle: this.handleOf(id), user: data.user, data, lastSeenAt: Math.round(lastSeenAt) })
    }
    return sessions
  }

  handleOf (id: string): string {
    return this.#handles.current(id)
  }

  async destroyByHandle (sub: string, handle: string): Promise<boolean> {
    const id = [...this.#bySub.get(sub) ?? []].find((candidate) => this.handleOf(candidate) === handle)
    return id !== undefined && this.#sessions.delete(id)
  }

  async ping (): Promise<void> {}

  async close (): Promise<void> {
    this.#sessions.clear()
    this.#pendingLogins.clear()
  }

  /** Signed-in sessions held now, expired ones included until they are touched. */
  get size (): number {
    return this.#sessions.size
  }

  /** Sessions that only hold a login in progress. */
  get pendingLoginCount (): number {
    return this.#pendingLogins.size
  }

  #write (id: string, data: SessionData, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return
    if (data.user === undefined) {
      this.#sessions.delete(id)
      this.#pendingLogins.set(id, data, { ttl: ttlSeconds * 1000 })
      return
    }
    this.#pendingLogins.delete(id)
    this.#sessions.set(id, keepNewerTokens(data, this.#sessions.get(id, { updateAgeOnGet: false })), { ttl: ttlSeconds * 1000 })
    addTo(this.#bySid, data.user.sid, id)
    addTo(this.#bySub, data.user.sub, id)
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
