import type { Profile } from '../claims/profile.js'
import type { SessionData } from './types.js'

/**
 * The seam between sessions and where they live. Implementations keep each
 * entry no longer than `ttlSeconds` and index it by the user's `sub` and `sid`
 * so a back-channel logout can end them together.
 */
export interface SessionStore {
  get (id: string): Promise<SessionData | undefined>
  /**
   * Writes a session. When the stored one holds tokens of a newer generation
   * (refreshed meanwhile, perhaps on another instance), those tokens are kept.
   */
  set (id: string, data: SessionData, ttlSeconds: number): Promise<void>
  destroy (id: string): Promise<void>
  destroyBySid (sid: string): Promise<number>
  destroyBySub (sub: string): Promise<number>
  /** The user of a live session with this provider `sid`, if any: a logout token may name only the sid. */
  subjectOfSid (sid: string): Promise<string | undefined>
  /**
   * The claims directory behind the service API: the mapped profile of the
   * latest login per `sub`, kept `ttlSeconds`, encrypted at rest like sessions.
   */
  setClaims (sub: string, profile: Profile, ttlSeconds: number): Promise<void>
  getClaims (sub: string): Promise<Profile | undefined>
  deleteClaims (sub: string): Promise<void>
  /** Remembers a one-time value (a logout token's jti); false when it was already seen. */
  remember (key: string, ttlSeconds: number): Promise<boolean>
  /**
   * Takes a lock shared by every instance using this store, held at most
   * `ttlMs`. Resolves to its release function, or undefined when another
   * holder has it.
   */
  lock (name: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>
  /** Resolves when the store answers; used by /readyz. */
  ping (): Promise<void>
  close (): Promise<void>
}

/** Seconds a session may still live: the idle timeout, capped by its absolute end. */
export function sessionTtlSeconds (data: SessionData, idleTimeoutSeconds: number, loginTtlSeconds: number, now = Date.now()): number {
  if (data.user === undefined) return loginTtlSeconds
  const remaining = Math.floor((data.user.expiresAt - now) / 1000)
  return Math.max(0, Math.min(idleTimeoutSeconds, remaining))
}

/** Generation of a session's tokens; 0 without a user. */
export function tokenGeneration (data: SessionData | undefined): number {
  return data?.user?.tokens.generation ?? 0
}

/**
 * `incoming` with the tokens of `stored` when those are newer and belong to
 * the same login; otherwise `incoming` unchanged.
 */
export function keepNewerTokens (incoming: SessionData, stored: SessionData | undefined): SessionData {
  const user = incoming.user
  const storedUser = stored?.user
  if (user === undefined || storedUser === undefined || storedUser.sid !== user.sid) return incoming
  if (storedUser.tokens.generation <= user.tokens.generation) return incoming
  return { ...incoming, user: { ...user, tokens: storedUser.tokens } }
}
