import { randomBytes } from 'node:crypto'
import { GatewayError } from '../errors.js'
import { sessionTtlSeconds, type SessionStore } from './store.js'
import type { LoginTransaction, SessionData, SessionUser } from './types.js'

/** How long an unfinished login may take before its state is forgotten. */
export const LOGIN_TTL_SECONDS = 600

/** 24 random bytes: the id in the cookie, and the store key. */
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
  /** Whether the store held this id when the request came in. */
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
  /** Whether the store held it when the request came in. */
  get stored (): boolean { return this.#stored }

  /** Whether this request has written it to the store. */
  isSaved (): boolean {
    return this.#saved
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
    if (this.#id !== undefined) await guard(this.#store.destroy(this.#id))
    this.#id = newSessionId()
    this.#stored = false
    this.#user = undefined
    this.#logins = undefined
    this.#modified = true
  }

  async destroy (): Promise<void> {
    if (this.#id !== undefined) await guard(this.#store.destroy(this.#id))
    this.#destroyed = true
  }

  /** Writes it back with its remaining lifetime; an emptied session is removed instead. */
  async save (idleTimeoutSeconds: number): Promise<void> {
    const data = this.data()
    if (data.user === undefined && data.logins === undefined) {
      if (this.#stored) await guard(this.#store.destroy(this.sessionId))
      this.#stored = false
      return
    }
    await guard(this.#store.set(this.sessionId, data, sessionTtlSeconds(data, idleTimeoutSeconds, LOGIN_TTL_SECONDS)))
    this.#stored = true
    this.#saved = true
  }
}

/**
 * The session for an id from a verified cookie: what the store holds, or
 * a fresh one when it holds nothing or only a session past its absolute end.
 */
export async function loadSession (store: SessionStore, id: string): Promise<GatewaySession> {
  const data = await guard(store.get(id))
  if (data === undefined) return new GatewaySession(store)
  if (data.user !== undefined && data.user.expiresAt <= Date.now()) {
    await guard(store.destroy(id))
    return new GatewaySession(store)
  }
  return new GatewaySession(store, id, data)
}

/** A failing store is a 503 to retry, never a 500 or a silent logout. */
async function guard<T> (operation: Promise<T>): Promise<T> {
  try {
    return await operation
  } catch (error) {
    if (error instanceof GatewayError) throw error
    throw new GatewayError('session_store_unavailable', 'The session store is unavailable; try again shortly', 503, { cause: error })
  }
}
