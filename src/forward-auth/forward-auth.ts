import type { ForwardAuthConfig, ForwardAuthRule } from '../config/forward-auth.js'
import { pairwiseSubjects } from '../claims/pairwise.js'
import { toProfile, type ProfileOptions } from '../claims/profile.js'
import { GatewayError } from '../errors.js'
import type { SessionUser } from '../sessions/types.js'
import { identityHeaders, type IdentityAnswer } from './identity-headers.js'

const DAY_MS = 86_400_000

export interface ForwardAuth {
  /**
   * The rule for an original request's normalised path: the longest prefix
   * that holds it, segment by segment (`/app` holds `/app` and `/app/x`, not
   * `/apple`). Refused (403) when none does, or when that prefix is refused.
   */
  ruleFor (path: string): ForwardAuthRule
  /** What the rule hands over for this user (its level is checked apart: ./assurance.ts). */
  answerFor (user: SessionUser, rule: ForwardAuthRule, now?: number): IdentityAnswer
}

function holds (prefix: string, path: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`)
}

/**
 * Forward auth for proxies: which rule an original request falls under, and
 * the identity headers that rule hands over. An answer is worked out once per
 * session user and rule (and day, for the age answers): a session's user is
 * replaced, never changed in place (src/sessions/types.ts), and the memory
 * store hands back the same object until the next login or refresh, so a
 * signed-in request costs a map lookup, not an HMAC and a profile mapping.
 */
export function createForwardAuth (config: ForwardAuthConfig, profileOptions: ProfileOptions): ForwardAuth {
  const pairwise = pairwiseSubjects(config.pairwiseSecret)
  const answers = new WeakMap<SessionUser, Map<ForwardAuthRule, { day: number, answer: IdentityAnswer }>>()

  return {
    ruleFor (path) {
      const rule = config.rules.find((candidate) => holds(candidate.prefix, path))
      if (rule === undefined || rule.deny) {
        throw new GatewayError('access_denied', 'No forward-auth rule admits this path', 403)
      }
      return rule
    },

    answerFor (user, rule, now = Date.now()) {
      const day = Math.floor(now / DAY_MS)
      let byRule = answers.get(user)
      const cached = byRule?.get(rule)
      if (cached !== undefined && cached.day === day) return cached.answer
      if (byRule === undefined) {
        byRule = new Map()
        answers.set(user, byRule)
      }
      // Signed claims only, as for /me: the eid asked for at /login is no evidence of the eid used,
      // and the login's assurance (its eID among it) was assessed from them at the callback.
      const profile = toProfile(user.claims, user.assurance === undefined ? profileOptions : { ...profileOptions, assurance: user.assurance })
      const answer = identityHeaders({ user, profile, rule, pairwise, today: new Date(now) })
      byRule.set(rule, { day, answer })
      return answer
    }
  }
}
