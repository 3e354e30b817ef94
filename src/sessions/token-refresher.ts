import { setTimeout as sleep } from 'node:timers/promises'
import { GatewayError } from '../errors.js'
import { LOGIN_TTL_SECONDS } from './pending-logins.js'
import { sessionTtlSeconds, type Locks, type SessionStore } from './store.js'
import { sessionUserOf } from './session-user.js'
import type { SessionUser, TokenSet } from './types.js'

export interface TokenRefresherOptions {
  readonly store: SessionStore
  readonly locks: Locks
  /** The refresh-token grant; throws a 401 GatewayError when the provider refuses it. */
  readonly refresh: (tokens: TokenSet, sub: string) => Promise<TokenSet>
  /** An access token this close to expiry is refreshed. */
  readonly marginSeconds: number
  /** The longest one grant may take (the provider's HTTP timeout). */
  readonly grantTimeoutMs: number
  readonly idleTimeoutSeconds: number
}

/** How often an instance waiting for another one's refresh looks at the store. */
const POLL_INTERVAL_MS = 50

/**
 * Keeps a session's access token fresh with exactly one refresh-token grant
 * per expiry, however many requests ask at once: the requests of one process
 * share one promise, and processes share a lock (`Locks`). A
 * provider that rotates refresh tokens and treats reuse as theft (Auth0 does)
 * therefore never sees a refresh token twice.
 */
export class TokenRefresher {
  readonly #options: TokenRefresherOptions
  readonly #inFlight = new Map<string, Promise<SessionUser>>()
  readonly #lockTtlMs: number

  constructor (options: TokenRefresherOptions) {
    this.#options = options
    // Outlives the slowest grant, so the lock never lapses while its holder still works.
    this.#lockTtlMs = options.grantTimeoutMs + 2000
  }

  /** Whether the access token expires within the margin and a refresh token can renew it. */
  isDue (tokens: TokenSet, now = Date.now()): boolean {
    if (tokens.refreshToken === undefined || tokens.accessTokenExpiresAt === undefined) return false
    return tokens.accessTokenExpiresAt - this.#options.marginSeconds * 1000 <= now
  }

  /**
   * The session's user with tokens fit for use. A refused grant ends the
   * session (401 `unauthenticated`); an unreachable provider ends nothing (502/504).
   */
  async fresh (sessionId: string, user: SessionUser): Promise<SessionUser> {
    if (!this.isDue(user.tokens)) return user
    const running = this.#inFlight.get(sessionId)
    if (running !== undefined) return await running
    const refreshing = this.#refreshAcrossInstances(sessionId, user)
      .finally(() => this.#inFlight.delete(sessionId))
    this.#inFlight.set(sessionId, refreshing)
    return await refreshing
  }

  async #refreshAcrossInstances (sessionId: string, user: SessionUser): Promise<SessionUser> {
    const { locks } = this.#options
    // A holder that died leaves its lock for at most its TTL; then we take over.
    const deadline = Date.now() + this.#lockTtlMs + 1000
    for (;;) {
      const release = await locks.acquire(`refresh:${sessionId}`, this.#lockTtlMs)
      if (release !== undefined) {
        try {
          return await this.#refreshHoldingLock(sessionId, user)
        } finally {
          await release().catch(() => {})
        }
      }
      // Another instance is refreshing: its result shows up in the store.
      await sleep(POLL_INTERVAL_MS)
      const current = await this.#currentUser(sessionId, user)
      if (current.tokens.generation > user.tokens.generation) return current
      if (Date.now() > deadline) {
        throw new GatewayError('provider_timeout', 'Renewing the session took too long; try again', 504)
      }
    }
  }

  async #refreshHoldingLock (sessionId: string, user: SessionUser): Promise<SessionUser> {
    const { store } = this.#options
    // Read again under the lock: another instance may have finished just before we took it.
    const data = await store.get(sessionId)
    const current = data?.user
    if (data === undefined || current === undefined || current.sid !== user.sid) throw ended()
    if (current.tokens.generation > user.tokens.generation || !this.isDue(current.tokens)) return current
    let tokens: TokenSet
    try {
      tokens = await this.#options.refresh(current.tokens, current.sub)
    } catch (error) {
      if (error instanceof GatewayError && error.statusCode === 401) await store.destroy(sessionId)
      throw error
    }
    const refreshed = sessionUserOf({ ...current, tokens })
    const next = { ...data, user: refreshed }
    // Ended while the grant was under way (a logout): it stays ended.
    if (!await store.update(sessionId, next, sessionTtlSeconds(next, this.#options.idleTimeoutSeconds, LOGIN_TTL_SECONDS))) throw ended()
    return refreshed
  }

  async #currentUser (sessionId: string, user: SessionUser): Promise<SessionUser> {
    const current = (await this.#options.store.get(sessionId))?.user
    if (current === undefined || current.sid !== user.sid) throw ended()
    return current
  }
}

function ended (): GatewayError {
  return new GatewayError('unauthenticated', 'The session has ended; sign in again', 401)
}
