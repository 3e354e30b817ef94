import { randomBytes } from 'node:crypto'
import { storeCall } from './store-errors.js'
import { isLive, sessionTtlSeconds, type SessionStore } from './store.js'
import type { LoginTransaction, SessionData, SessionUser } from './types.js'

/** How long an unfinished login may take before its state is forgotten. */
export const LOGIN_TTL_SECONDS = 600

/** 24 random bytes: the id in the cookie. */
function newSessionId (): string {
  return randomBytes(24).toString('base64url')
}

/**
 * One request's view of a browser session. Its two keys are replaced, never
 * changed in place (src/sessions/types.ts), so assignment alone says whether
 * it must be written back: no hashing of the session on every request, and an
 * anonymous request costs no id, no signature and no store call.
 */
export class GatewaySession {
  readonly #store: SessionStore
  #id: string | undefined
  #user: SessionUser | undefined
  #logins: Readonly<Record<string, LoginTransaction>> | undefined
  #modified = false
  #saved = false
  #destroyed = false
  /** Whether the store holds this id: it was loaded, or this request wrote it. */
  #stored: boolean

  constructor (store: SessionStore, id?: string, data: SessionData = {}) {
    this.#store = store
    this.#id = id
    this.#stored = id !== undefined
    this.#user = data.user
    this.#logins = data.logins
  }

  /** Made on first use: a request that never needs one never pays for it. */
  get sessionId (): string {
    this.#id ??= newSessionId()
    return this.#id
  }

  get user (): SessionUser | undefined { return this.#user }
  set user (user: SessionUser | undefined) {
    this.#user = user
    this.#modified = true
  }

  get logins (): Readonly<Record<string, LoginTransaction>> | undefined { return this.#logins }
  set logins (logins: Readonly<Record<string, LoginTransaction>> | undefined) {
    this.#logins = logins
    this.#modified = true
  }

  get modified (): boolean { return this.#modified }
  get destroyed (): boolean { return this.#destroyed }
  /** Whether the store holds it: it was loaded, or this request has written it. */
  get stored (): boolean { return this.#stored }

  /** Whether this request has written it to the store. */
  isSaved (): boolean {
    return this.#saved
  }

  /**
   * Takes the user another writer has already stored (the token refresher):
   * this request's copy follows, without writing it again over what the store
   * may hold by the time this request ends.
   */
  adopt (user: SessionUser): void {
    this.#user = user
  }

  /** The typed keys that are set: what the store keeps. */
  data (): SessionData {
    const data: SessionData = {}
    if (this.#logins !== undefined && Object.keys(this.#logins).length > 0) data.logins = this.#logins
    if (this.#user !== undefined) data.user = this.#user
    return data
  }

  /**
   * A new id and no data (the old session is removed from the store): after
   * a login, an id an attacker planted or observed before is worth nothing.
   */
  async regenerate (): Promise<void> {
    if (this.#id !== undefined) await storeCall(() => this.#store.destroy(this.#id as string))
    this.#id = newSessionId()
    this.#stored = false
    this.#user = undefined
    this.#logins = undefined
    this.#modified = true
  }

  async destroy (): Promise<void> {
    if (this.#id !== undefined) await storeCall(() => this.#store.destroy(this.#id as string))
    this.#stored = false
    this.#destroyed = true
  }

  /**
   * Writes it back with its remaining lifetime; an emptied session is removed
   * instead. A session the store no longer holds (ended by a logout while this
   * request ran) stays ended: nothing is written, and `stored` turns false.
   */
  async save (idleTimeoutSeconds: number): Promise<void> {
    const data = this.data()
    if (data.user === undefined && data.logins === undefined) {
      if (this.#stored) await storeCall(() => this.#store.destroy(this.sessionId))
      this.#stored = false
      return
    }
    const ttl = sessionTtlSeconds(data, idleTimeoutSeconds, LOGIN_TTL_SECONDS)
    if (this.#stored) {
      this.#stored = await storeCall(() => this.#store.update(this.sessionId, data, ttl))
    } else {
      await storeCall(() => this.#store.create(this.sessionId, data, ttl))
      this.#stored = true
    }
    this.#saved = this.#stored
  }
}

/**
 * The session for an id from a verified cookie: what the store holds, or
 * a fresh one when it holds nothing or only a session past its absolute end.
 */
export async function loadSession (store: SessionStore, id: string): Promise<GatewaySession> {
  const data = await storeCall(() => store.get(id))
  if (data === undefined) return new GatewaySession(store)
  if (data.user !== undefined && !isLive(data.user)) {
    await storeCall(() => store.destroy(id))
    return new GatewaySession(store)
  }
  return new GatewaySession(store, id, data)
}
