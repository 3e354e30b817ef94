import { meetsLevel, type AssuranceLevel } from '../claims/assurance.js'
import type { EidOption } from '../claims/eid-options.js'
import { stepUpDemand } from '../claims/step-up.js'
import type { SessionUser } from '../sessions/types.js'

/** A login below a rule's level, and the way up from it. */
export interface LevelShortfall {
  readonly message: string
  /** RFC 9470: `Bearer error="insufficient_user_authentication"`, with the `acr_values` that reach the level. */
  readonly challenge: string
  /** The eID option a step-up signs in with: one of the login's own eID when one reaches the level, else the first that does. */
  readonly option: EidOption
}

/**
 * Whether the session's login (its level as the callback assessed it from
 * signed claims) falls short of the level a rule asks for. A session that
 * records no level, from before levels were kept or from a login whose acr
 * proves none, falls short of every level: it is never admitted on a guess.
 * `undefined` when the login will do; `null` when it will not and no
 * configured eID option reaches the level, so no step-up can help.
 */
export function levelShortfall (user: SessionUser, level: AssuranceLevel | undefined, options: readonly EidOption[]): LevelShortfall | null | undefined {
  const demand = stepUpDemand(user.assurance, { level, maxAgeSeconds: undefined }, options)
  if (demand === undefined || level === undefined) return undefined
  const reaching = options.filter((option) => meetsLevel(option.level, level))
  const option = reaching.find((candidate) => candidate.eid === user.assurance?.eid) ?? reaching[0]
  return option === undefined ? null : { message: demand.message, challenge: demand.challenge, option }
}
