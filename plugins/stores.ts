import fp from 'fastify-plugin'
import { keyedHash } from '../src/security/keyed-hash.js'
import { SessionCipher } from '../src/sessions/cipher.js'
import { MemoryLocks, RedisLocks } from '../src/sessions/locks.js'
import { MemorySessionStore } from '../src/sessions/memory-store.js'
import { RedisSessionStore } from '../src/sessions/redis-store.js'
import { MemoryReplayGuard, RedisReplayGuard } from '../src/sessions/replay-guard.js'
import type { Locks, ReplayGuard, SessionCounts, SessionStore } from '../src/sessions/store.js'
import { TracedSessionStore, type StoreBackend } from '../src/tracing/traced-store.js'

declare module 'fastify' {
  interface FastifyInstance {
    sessionStore: SessionStore
    /** The store's own counts, when it keeps them without a scan (the memory store; Redis does not). */
    sessionCounts: SessionCounts | undefined
    /** Logout tokens already acted on. */
    replayGuard: ReplayGuard
    /** One token refresh per session at a time, across instances. */
    locks: Locks
  }
}

/** The state the gateway keeps: in this process by default, in Redis when several instances share it. */
export default fp(async (app) => {
  const settings = app.config.session
  const redis = app.redis
  const tracing = app.tracing
  // With tracing on, every store call is a span, whichever store it is; off, the store itself.
  const traced = (store: SessionStore, backend: StoreBackend): SessionStore =>
    tracing === undefined ? store : new TracedSessionStore(store, tracing, backend)
  if (redis === undefined) {
    const store = new MemorySessionStore({ maxEntries: settings.maxEntries })
    app.decorate('sessionStore', traced(store, 'memory'))
    app.decorate('sessionCounts', store satisfies SessionCounts)
    app.decorate('replayGuard', new MemoryReplayGuard())
    app.decorate('locks', new MemoryLocks())
  } else {
    const { secrets } = settings
    app.decorate('sessionStore', traced(new RedisSessionStore({
      redis,
      cipher: new SessionCipher(secrets),
      sessionNames: keyedHash(secrets, 'session-keys'),
      indexNames: keyedHash(secrets, 'index-names'),
      idleTimeoutSeconds: settings.idleTimeoutSeconds,
      maxAgeSeconds: settings.maxAgeSeconds
    }), 'redis'))
    app.decorate('replayGuard', new RedisReplayGuard(redis, keyedHash(secrets, 'one-time-values')))
    app.decorate('locks', new RedisLocks(redis, keyedHash(secrets, 'lock-names')))
    app.decorate('sessionCounts', undefined)
  }
  app.addHook('onClose', async () => { await app.sessionStore.close() })
}, { name: 'stores', dependencies: ['config', 'redis', 'tracing'] })
