import type { SessionStore } from '../sessions/store.js'
import type { SessionUser } from '../sessions/types.js'
import { toProfile, type Profile, type ProfileOptions } from './profile.js'

export interface ClaimsDirectoryOptions {
  readonly store: SessionStore
  /** Off when the service API is: then nothing is kept. */
  readonly enabled: boolean
  readonly ttlSeconds: number
  readonly profile: Omit<ProfileOptions, 'eid'>
}

/**
 * The signed-in users' profiles by `sub`, for the service API: written at
 * each login, read by lookups, forgotten when the user signs out.
 */
export class ClaimsDirectory {
  readonly #options: ClaimsDirectoryOptions

  constructor (options: ClaimsDirectoryOptions) {
    this.#options = options
  }

  async record (user: SessionUser): Promise<void> {
    if (!this.#options.enabled) return
    const profile = toProfile(user.claims, { ...this.#options.profile, eid: user.eid })
    // Never past the session's own end.
    const ttl = Math.min(this.#options.ttlSeconds, Math.max(1, Math.ceil((user.expiresAt - Date.now()) / 1000)))
    await this.#options.store.setClaims(user.sub, profile, ttl)
  }

  async find (sub: string): Promise<Profile | undefined> {
    return this.#options.enabled ? await this.#options.store.getClaims(sub) : undefined
  }

  async forget (sub: string): Promise<void> {
    if (this.#options.enabled) await this.#options.store.deleteClaims(sub)
  }
}
