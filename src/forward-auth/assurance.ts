import { ASSURANCE_LEVELS, type AssuranceLevel } from '../config/forward-auth.js'
import type { SessionUser } from '../sessions/types.js'

/**
 * The level of assurance a session's login reached, as the session user
 * records it (`assurance.level`, assessed at the callback from signed
 * claims). Anything that is not one of the eIDAS levels, and a session from
 * before levels were recorded, counts as none: a rule asking for a level
 * refuses such a login rather than admit it on a guess.
 */
export function assuranceLevelOf (user: SessionUser): AssuranceLevel | undefined {
  const level = (user as { readonly assurance?: { readonly level?: unknown } }).assurance?.level
  return ASSURANCE_LEVELS.includes(level as AssuranceLevel) ? level as AssuranceLevel : undefined
}

/** Whether a login at `actual` satisfies a rule asking for `required` (none asked: any, none recorded: never). */
export function meetsLevel (required: AssuranceLevel | undefined, actual: AssuranceLevel | undefined): boolean {
  if (required === undefined) return true
  if (actual === undefined) return false
  return ASSURANCE_LEVELS.indexOf(actual) >= ASSURANCE_LEVELS.indexOf(required)
}
