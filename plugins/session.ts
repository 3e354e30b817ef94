import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import session, { type FastifySessionOptions } from '@fastify/session'
import type { SessionStore } from '../src/sessions/store.js'
import { MemorySessionStore } from '../src/sessions/memory-store.js'
import { RedisSessionStore } from '../src/sessions/redis-store.js'
import { SessionCipher } from '../src/sessions/cipher.js'
import { SessionCookieSigner } from '../src/sessions/cookie-signer.js'
import { SessionStoreAdapter } from '../src/sessions/fastify-adapter.js'
import type { SessionData } from '../src/sessions/types.js'

declare module 'fastify' {
  interface FastifyInstance { sessionStore: SessionStore }
  // The session holds our typed keys only.
  interface Session extends SessionData {}
  // Routes that never read the session (health checks) skip loading it, so a
  // failing session store cannot fail them.
  interface FastifyContextConfig { skipSession?: boolean }
}

export default fp(async (app) => {
  const settings = app.config.session
  const store: SessionStore = settings.store === 'redis'
    ? new RedisSessionStore({
      url: settings.redisUrl,
      keyPrefix: settings.redisKeyPrefix,
      sentinels: settings.redisSentinels,
      sentinelName: settings.redisSentinelName,
      sentinelPassword: settings.redisSentinelPassword,
      clusterNodes: settings.redisClusterNodes,
      commandTimeoutMs: 1000,
      cipher: new SessionCipher(settings.secrets),
      idleTimeoutSeconds: settings.idleTimeoutSeconds,
      maxAgeSeconds: settings.maxAgeSeconds
    })
    : new MemorySessionStore({ maxEntries: settings.maxEntries })
  app.decorate('sessionStore', store)
  app.addHook('onClose', async () => store.close())

  await app.register(cookie)
  // Runs after the cookie parser and before @fastify/session's own hook.
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.skipSession === true) delete request.cookies[settings.cookieName]
  })
  await app.register(session, {
    // The same signature as a list of secrets would give, one HMAC per request
    // instead of two (see cookie-signer.ts).
    secret: new SessionCookieSigner(settings.secrets),
    cookieName: settings.cookieName,
    // The adapter hands back our SessionData; @fastify/session rebuilds its Session around it.
    store: new SessionStoreAdapter(store, settings.idleTimeoutSeconds) as unknown as FastifySessionOptions['store'],
    // No session until a login starts, and no rewrite unless the session changed:
    // the idle timer slides in the store, not through a new cookie per response.
    saveUninitialized: false,
    rolling: false,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: settings.secureCookie
      // No maxAge: a browser-session cookie; the store enforces idle and absolute lifetimes.
    }
  })
}, { name: 'session', dependencies: ['config'] })
