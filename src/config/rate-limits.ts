import { readPerMinute, type Env } from './readers.js'

/** Requests per minute: per client address for the browser routes, per calling service for /internal. */
export interface RateLimits {
  readonly login: number
  readonly backchannelLogout: number
  readonly internal: number
}

export function readRateLimits (env: Env): RateLimits {
  return {
    login: readPerMinute(env, 'RATE_LIMIT_LOGIN', 120),
    backchannelLogout: readPerMinute(env, 'RATE_LIMIT_BACKCHANNEL', 600),
    internal: readPerMinute(env, 'RATE_LIMIT_INTERNAL', 1200)
  }
}
