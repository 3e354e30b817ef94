import type { SessionsOfSubject } from '../sessions/store.js'
import { toProfile, type Profile, type ProfileOptions } from './profile.js'

export interface ClaimsDirectoryOptions {
  readonly sessions: Pick<SessionsOfSubject, 'sessionsOfSub'>
  /** Off when the service API is: then nothing is answered. */
  readonly enabled: boolean
  /** How long after a login its claims may be handed to services (CLAIMS_TTL). */
  readonly ttlSeconds: number
  readonly profile: Omit<ProfileOptions, 'eid'>
}

/**
 * The signed-in users' profiles by `sub`, for the service API. It keeps
 * nothing of its own: it reads the person's live sessions (without sliding
 * their idle timers), so claims end with the last session that backs them,
 * whether it ended by logout, back-channel logout, idle timeout or its
 * absolute lifetime, and one session ending leaves another's claims.
 */
export class ClaimsDirectory {
  readonly #options: ClaimsDirectoryOptions

  constructor (options: ClaimsDirectoryOptions) {
    this.#options = options
  }

  /** The profile of the person's latest login still within CLAIMS_TTL, while a session of theirs lives. */
  async find (sub: string, now = Date.now()): Promise<Profile | undefined> {
    if (!this.#options.enabled) return undefined
    const users = (await this.#options.sessions.sessionsOfSub(sub)).map((session) => session.user)
    const latest = users.reduce<typeof users[number] | undefined>((newest, user) => newest === undefined || user.signedInAt > newest.signedInAt ? user : newest, undefined)
    if (latest === undefined || latest.signedInAt + this.#options.ttlSeconds * 1000 <= now) return undefined
    // The eID and level as the callback assessed them, with every eID option in view.
    return toProfile(latest.claims, latest.assurance === undefined ? this.#options.profile : { ...this.#options.profile, assurance: latest.assurance })
  }
}
