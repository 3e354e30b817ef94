import { decodeJwt } from 'jose'
import type { RateLimits } from '../config/index.js'
import { bearerTokenOf } from './bearer-token.js'

export interface RateLimitRule {
  /** Requests allowed per window, per key. */
  readonly max: number
  /** What a key is: the client address, or the calling service. */
  readonly keyBy: 'address' | 'caller'
}

const MINUTE_MS = 60_000
export const RATE_LIMIT_WINDOW_MS = MINUTE_MS

/**
 * Which routes are limited, and how. The browser routes that start work at
 * the provider or in the store are limited per client address; the service
 * API per calling service, so services behind one egress address do not
 * share a budget. Everything else is unlimited here.
 */
export function rateLimitRuleFor (url: string, limits: RateLimits): RateLimitRule | undefined {
  if (url === '/login' || url === '/callback') return { max: limits.login, keyBy: 'address' }
  if (url === '/backchannel-logout') return { max: limits.backchannelLogout, keyBy: 'address' }
  if (url.startsWith('/internal/')) return { max: limits.internal, keyBy: 'caller' }
  return undefined
}

/**
 * The calling service named in a bearer JWT (`client_id`, else `azp`), read
 * without verification: it only picks a counter. A forged name gets its own
 * counter but no answer, since the route verifies the token itself.
 */
export function callerOf (authorization: string | undefined): string | undefined {
  const token = bearerTokenOf(authorization)
  if (token === undefined) return undefined
  try {
    const claims = decodeJwt(token)
    const caller = claims.client_id ?? claims.azp
    return typeof caller === 'string' && caller !== '' && caller.length <= 256 ? caller : undefined
  } catch {
    return undefined
  }
}
