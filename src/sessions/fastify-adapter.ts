import { GatewayError } from '../errors.js'
import type { SessionStore } from './store.js'
import { sessionTtlSeconds } from './store.js'
import type { SessionData } from './types.js'

type Callback<T = void> = (error?: unknown, value?: T | null) => void

/** How long an unfinished login may take before its state is forgotten. */
export const LOGIN_TTL_SECONDS = 600

/**
 * Speaks @fastify/session's callback store protocol on top of our promise
 * SessionStore: keeps only the typed keys, enforces the absolute lifetime on
 * read, and turns a failing store into a 503 rather than a 500 or a logout.
 */
export class SessionStoreAdapter {
  readonly #store: SessionStore
  readonly #idleTimeoutSeconds: number

  constructor (store: SessionStore, idleTimeoutSeconds: number) {
    this.#store = store
    this.#idleTimeoutSeconds = idleTimeoutSeconds
  }

  get (id: string, callback: Callback<SessionData>): void {
    this.#store.get(id).then(async (data) => {
      if (data?.user !== undefined && data.user.expiresAt <= Date.now()) {
        await this.#store.destroy(id)
        return callback(null, null)
      }
      callback(null, data ?? null)
    }).catch((error: unknown) => callback(unavailable(error)))
  }

  set (id: string, session: SessionData, callback: Callback): void {
    const data = toSessionData(session)
    const ttl = sessionTtlSeconds(data, this.#idleTimeoutSeconds, LOGIN_TTL_SECONDS)
    this.#store.set(id, data, ttl).then(() => callback(), (error: unknown) => callback(unavailable(error)))
  }

  destroy (id: string, callback: Callback): void {
    this.#store.destroy(id).then(() => callback(), (error: unknown) => callback(unavailable(error)))
  }
}

/** Copies only the keys we declared: @fastify/session hands over its whole Session object. */
function toSessionData (session: SessionData): SessionData {
  const data: SessionData = {}
  if (session.logins !== undefined && Object.keys(session.logins).length > 0) data.logins = session.logins
  if (session.user !== undefined) data.user = session.user
  return data
}

function unavailable (error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  return new GatewayError('session_store_unavailable', 'The session store is unavailable; try again shortly', 503, { cause: error })
}
