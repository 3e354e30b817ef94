import { setTimeout as sleep } from 'node:timers/promises'
import { GatewayError } from '../errors.js'
import { LOGIN_TTL_SECONDS } from './pending-logins.js'
import { sessionTtlSeconds, type Locks, type SessionsById } from './store.js'
import { sessionUserOf } from './session-user.js'
import type { SessionData, SessionUser, TokenSet } from './types.js'

export interface TokenRefresherOptions {
  readonly store: SessionsById
  readonly locks: Locks
  /** The refresh-token grant; throws a 401 GatewayError when the provider refuses it. */
  readonly refresh: (tokens: TokenSet, sub: string) => Promise<TokenSet>
  /** An access token this close to expiry is refreshed. */
  readonly marginSeconds: number
  /** The longest one grant may take (the provider's HTTP timeout). */
  readonly grantTimeoutMs: number
  readonly idleTimeoutSeconds: number
}

/** How often an instance waiting for another one's grant looks at the store. */
const POLL_INTERVAL_MS = 50

/**
 * One kind of grant that renews a session's tokens: the login's own refresh
 * (`fresh`), or a service's own token (./api-tokens.ts).
 */
export interface Renewal {
  /** Tells a session's renewals apart within a process: one promise per session and key. */
  readonly key: string
  /** Whether the session as stored now still needs the grant; false once another request or instance made it. */
  needed (current: SessionUser): boolean
  /**
   * The grant, given the session as stored under its lock, so the refresh
   * token it uses is the latest; answers the session's new token set. A 401
   * GatewayError ends the session.
   */
  grant (current: SessionUser): Promise<TokenSet>
}

/**
 * Thrown by a Renewal's grant that failed after the provider had rotated the
 * refresh token: `tokens`, with the new one, are stored all the same, then
 * `failure` is thrown. The old refresh token is spent; using it again would
 * look like theft to the provider.
 */
export class FailedAfterRotation extends Error {
  readonly tokens: TokenSet
  readonly failure: GatewayError

  constructor (tokens: TokenSet, failure: GatewayError) {
    super(failure.message)
    this.name = 'FailedAfterRotation'
    this.tokens = tokens
    this.failure = failure
  }
}

/**
 * Renews a session's tokens with exactly one grant per need, however many
 * requests ask at once: the requests of one process share one promise, and
 * processes share a lock (`Locks`). Every grant of a session takes the same
 * lock, the login's refresh and each service's token alike, and reads the
 * session again under it: a provider that rotates refresh tokens and treats
 * reuse as theft (Auth0 does) therefore never sees a refresh token twice,
 * and a rotation by one grant is what the next one uses. Each grant raises
 * the tokens' generation, which stores never let an older write undo.
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
    return await this.renew(sessionId, user, {
      key: 'session',
      // Renewed meanwhile when its access token is another one, even one due again at once.
      needed: (current) => this.isDue(current.tokens) && current.tokens.accessToken === user.tokens.accessToken,
      grant: async (current) => {
        const tokens = await this.#options.refresh(current.tokens, current.sub)
        // The services' tokens are the session's as well; a refresh of the login's keeps them.
        return current.tokens.apis === undefined ? tokens : { ...tokens, apis: current.tokens.apis }
      }
    })
  }

  /**
   * The session's user once `renewal` is done: by this call, or by another
   * request or instance while it waited. Throws a 401 when the session has ended.
   */
  async renew (sessionId: string, user: SessionUser, renewal: Renewal): Promise<SessionUser> {
    const key = `${sessionId} ${renewal.key}`
    const running = this.#inFlight.get(key)
    if (running !== undefined) return await running
    const renewing = this.#renewAcrossInstances(sessionId, user, renewal)
      .finally(() => this.#inFlight.delete(key))
    this.#inFlight.set(key, renewing)
    return await renewing
  }

  async #renewAcrossInstances (sessionId: string, user: SessionUser, renewal: Renewal): Promise<SessionUser> {
    const { locks } = this.#options
    // A holder that died leaves its lock for at most its TTL; then we take over.
    const deadline = Date.now() + this.#lockTtlMs + 1000
    for (;;) {
      // One lock per session for every grant: each may rotate the refresh token.
      const release = await locks.acquire(`refresh:${sessionId}`, this.#lockTtlMs)
      if (release !== undefined) {
        try {
          return await this.#renewHoldingLock(sessionId, user, renewal)
        } finally {
          await release().catch(() => {})
        }
      }
      // Another request or instance holds the lock: its result shows up in the store.
      await sleep(POLL_INTERVAL_MS)
      const current = await this.#currentUser(sessionId, user)
      if (!renewal.needed(current)) return current
      if (Date.now() > deadline) {
        throw new GatewayError('provider_timeout', 'Renewing the session took too long; try again', 504)
      }
    }
  }

  async #renewHoldingLock (sessionId: string, user: SessionUser, renewal: Renewal): Promise<SessionUser> {
    const { store } = this.#options
    // Read again under the lock: another instance may have finished just before we took it.
    const data = await store.get(sessionId)
    const current = data?.user
    if (data === undefined || current === undefined || current.sid !== user.sid) throw ended()
    if (!renewal.needed(current)) return current
    let granted: TokenSet
    try {
      granted = await renewal.grant(current)
    } catch (error) {
      if (error instanceof FailedAfterRotation) {
        await this.#keep(sessionId, data, current, error.tokens)
        throw error.failure
      }
      if (error instanceof GatewayError && error.statusCode === 401) await store.destroy(sessionId)
      throw error
    }
    return await this.#keep(sessionId, data, current, granted)
  }

  /** Stores the granted tokens one generation up; throws a 401 when the session ended while the grant was under way. */
  async #keep (sessionId: string, data: SessionData, current: SessionUser, granted: TokenSet): Promise<SessionUser> {
    const refreshed = sessionUserOf({ ...current, tokens: { ...granted, generation: current.tokens.generation + 1 } })
    const next = { ...data, user: refreshed }
    // Ended while the grant was under way (a logout): it stays ended.
    if (!await this.#options.store.update(sessionId, next, sessionTtlSeconds(next, this.#options.idleTimeoutSeconds, LOGIN_TTL_SECONDS))) throw ended()
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
