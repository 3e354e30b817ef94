import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import { GatewayError } from '../src/errors.js'
import { keyedHash, type KeyedHash } from '../src/security/keyed-hash.js'
import { callerOf, rateLimitRuleFor, RATE_LIMIT_WINDOW_MS, type RateLimitRule } from '../src/security/rate-limit-policy.js'

/** Client addresses are personal data: counters are keyed by a keyed hash of them, never the address. */
function keyFor (rule: RateLimitRule, addresses: KeyedHash): (request: FastifyRequest) => string {
  const byAddress = (request: FastifyRequest): string => `address:${addresses.current(request.ip)}`
  if (rule.keyBy === 'address') return byAddress
  return (request) => {
    const caller = callerOf(request.headers.authorization)
    return caller === undefined ? byAddress(request) : `caller:${caller}`
  }
}

/**
 * Rate limits from one policy (src/security/rate-limit-policy.ts). With the
 * Redis store the counters live in Redis, so a budget holds across instances.
 * A failing Redis lets requests through: the routes then answer 503 themselves.
 */
export default fp(async (app) => {
  const limits = app.config.rateLimits
  const addresses = keyedHash(app.config.session.secrets, 'rate-limit-keys')
  // Runs before @fastify/rate-limit's own onRoute hook, which reads this config.
  app.addHook('onRoute', (route) => {
    const rule = rateLimitRuleFor(route.url, limits)
    if (rule === undefined || route.config?.rateLimit !== undefined) return
    route.config = {
      ...route.config,
      rateLimit: { max: rule.max, timeWindow: RATE_LIMIT_WINDOW_MS, keyGenerator: keyFor(rule, addresses) }
    }
  })
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    ...(app.redis === undefined ? {} : { redis: app.redis, nameSpace: 'ratelimit:' }),
    errorResponseBuilder: (_request, context) =>
      new GatewayError('rate_limited', `Too many requests; try again in ${context.after}`, 429)
  })
}, { name: 'rate-limit', dependencies: ['config', 'redis'] })
