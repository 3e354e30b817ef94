import fp from 'fastify-plugin'
import { connectRedis, type RedisClient } from '../src/sessions/redis-connection.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The one Redis connection, with SESSION_STORE=redis; undefined with the memory store. */
    redis: RedisClient | undefined
  }
}

/** Owns the Redis connection that sessions, one-time values, locks and rate limits share. */
export default fp(async (app) => {
  const settings = app.config.session.redis
  if (settings === undefined) {
    app.decorate<RedisClient | undefined>('redis', undefined)
    return
  }
  const redis = connectRedis({ ...settings, commandTimeoutMs: 1000 })
  app.decorate<RedisClient | undefined>('redis', redis)
  app.addHook('onClose', async () => { redis.disconnect() })
}, { name: 'redis', dependencies: ['config'] })
