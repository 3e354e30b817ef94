import { sessionUserOf } from './session-user.js'
import type { SessionData, SessionUser } from './types.js'

/** Sessions by their id: what the session engine and the token refresher read and write. */
export interface SessionsById {
  /** The session, sliding its idle timer. */
  get (id: string): Promise<SessionData | undefined>
  /** Writes a session under a new id (a login begun, or finished). */
  create (id: string, data: SessionData, ttlSeconds: number): Promise<void>
  /**
   * Rewrites a session that still exists, keeping the stored tokens when they
   * are of a newer generation (refreshed meanwhile, perhaps on another
   * instance). False, and nothing written, when the session has ended
   * meanwhile: a request that raced a logout never brings it back.
   */
  update (id: string, data: SessionData, ttlSeconds: number): Promise<boolean>
  destroy (id: string): Promise<void>
}

/**
 * A person's sessions, found by the provider's `sub` or `sid`: what logouts,
 * the claims directory and session lists need, never a session's id.
 */
export interface SessionsOfSubject {
  destroyBySid (sid: string): Promise<number>
  destroyBySub (sub: string): Promise<number>
  /**
   * This subject's live sessions, without sliding their idle timers. Each is
   * named by a handle (a keyed hash of its id), never by its id: the id is
   * the browser's credential.
   */
  sessionsOfSub (sub: string): Promise<SubjectSession[]>
  /** The handle that names the session with this id in its subject's list. */
  handleOf (id: string): string
  /** Ends the session of this subject with this handle; false when it has none such. */
  destroyByHandle (sub: string, handle: string): Promise<boolean>
}

/** The store's connection, for readiness checks and shutdown. */
export interface StoreConnection {
  /** Resolves when the store answers; used by /readyz. */
  ping (): Promise<void>
  close (): Promise<void>
}

/**
 * Where browser sessions live. Implementations keep each entry no longer than
 * `ttlSeconds` and index it by the user's `sub` and `sid`, so a back-channel
 * logout can end them together. Each user of a store names the part it needs.
 */
export interface SessionStore extends SessionsById, SessionsOfSubject, StoreConnection {}

/**
 * What a store counts without a scan, read at every metrics scrape. Only a
 * store that keeps its sessions in this process offers it (the memory
 * store); the Redis store does not, as it would need a scan per scrape and
 * would count every instance's sessions.
 */
export interface SessionCounts {
  /** Signed-in sessions held now. */
  readonly size: number
  /** Sessions that only hold a login in progress. */
  readonly pendingLoginCount: number
}

/** A live session as a subject's list shows it. */
export interface SubjectSession {
  readonly handle: string
  readonly user: SessionUser
  readonly data: SessionData
  /** Epoch milliseconds of the last request that used it (its idle timer's start). */
  readonly lastSeenAt: number
}

/** One-time values (a logout token's `jti`) that every instance must refuse a second time. */
export interface ReplayGuard {
  /** Whether `key` was recorded and has not expired. */
  seen (key: string): Promise<boolean>
  /** Records `key` for `ttlSeconds`; recording it again is harmless. */
  record (key: string, ttlSeconds: number): Promise<void>
}

/** Locks shared by every instance, such as one token refresh per session. */
export interface Locks {
  /**
   * Takes the lock `name`, held at most `ttlMs`. Resolves to its release
   * function, or undefined when another holder has it.
   */
  acquire (name: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>
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
  return { ...incoming, user: sessionUserOf({ ...user, tokens: storedUser.tokens }) }
}

/** Whether a session's user is still within its absolute lifetime. */
export function isLive (user: SessionUser | undefined, now = Date.now()): user is SessionUser {
  return user !== undefined && user.expiresAt > now
}
