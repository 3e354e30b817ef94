import type { SessionData } from './types.js'

/**
 * The seam between sessions and where they live. Implementations keep each
 * entry no longer than `ttlSeconds` and index it by the user's `sub` and `sid`
 * so a back-channel logout can end them together.
 */
export interface SessionStore {
  get (id: string): Promise<SessionData | undefined>
  set (id: string, data: SessionData, ttlSeconds: number): Promise<void>
  destroy (id: string): Promise<void>
  destroyBySid (sid: string): Promise<number>
  destroyBySub (sub: string): Promise<number>
  /** Remembers a one-time value (a logout token's jti); false when it was already seen. */
  remember (key: string, ttlSeconds: number): Promise<boolean>
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
