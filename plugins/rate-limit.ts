import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import { GatewayError } from '../src/errors.js'
import { RedisSessionStore } from '../src/sessions/redis-store.js'
import { callerOf, rateLimitRuleFor, RATE_LIMIT_WINDOW_MS, type RateLimitRule } from '../src/security/rate-limit-policy.js'

function keyFor (rule: RateLimitRule): (request: FastifyRequest) => string {
  if (rule.keyBy === 'address') return (request) => `address:${request.ip}`
  return (request) => {
    const caller = callerOf(request.headers.authorization)
    return caller === undefined ? `address:${request.ip}` : `caller:${caller}`
  }
}

/**
 * Rate limits from one policy (src/security/rate-limit-policy.ts). With the
 * Redis store the counters live in Redis, so a budget holds across instances.
 * A failing Redis lets requests through: the routes then answer 503 themselves.
 */
export default fp(async (app) => {
  const limits = app.config.rateLimits
  // Runs before @fastify/rate-limit's own onRoute hook, which reads this config.
  app.addHook('onRoute', (route) => {
    const rule = rateLimitRuleFor(route.url, limits)
    if (rule === undefined || route.config?.rateLimit !== undefined) return
    route.config = {
      ...route.config,
      rateLimit: { max: rule.max, timeWindow: RATE_LIMIT_WINDOW_MS, keyGenerator: keyFor(rule) }
    }
  })
  const store = app.sessionStore
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    ...(store instanceof RedisSessionStore ? { redis: store.client, nameSpace: 'ratelimit:' } : {}),
    errorResponseBuilder: (_request, context) =>
      new GatewayError('rate_limited', `Too many requests; try again in ${context.after}`, 429)
  })
}, { name: 'rate-limit', dependencies: ['config', 'session'] })
