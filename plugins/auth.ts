import fp from 'fastify-plugin'
import { GatewayError } from '../src/errors.js'
import { TokenRefresher } from '../src/sessions/token-refresher.js'
import type { SessionUser } from '../src/sessions/types.js'

export interface FreshUserOptions {
  /**
   * Serve the session as it is when the provider cannot be reached: for
   * answers built from the session alone, such as /me. A refused refresh
   * still ends the session.
   */
  readonly tolerateProviderOutage?: boolean
}

declare module 'fastify' {
  interface FastifyInstance { tokenRefresher: TokenRefresher }
  interface FastifyRequest {
    requireUser (): SessionUser
    /** The signed-in user with an access token refreshed when it is about to expire. */
    freshUser (options?: FreshUserOptions): Promise<SessionUser>
  }
}

export default fp(async (app) => {
  const refresher = new TokenRefresher({
    store: app.sessionStore,
    locks: app.locks,
    refresh: async (tokens, sub) => await app.metrics.countRefreshGrant(async () => await app.oidc.refresh(tokens, sub)),
    marginSeconds: app.config.oidc.refreshMarginSeconds,
    grantTimeoutMs: app.config.oidc.httpTimeoutSeconds * 1000,
    idleTimeoutSeconds: app.config.session.idleTimeoutSeconds
  })
  app.decorate('tokenRefresher', refresher)

  app.decorateRequest('requireUser', function requireUser () {
    const user = this.session?.user
    if (user === undefined || user.expiresAt <= Date.now()) {
      throw new GatewayError('unauthenticated', 'Sign in first', 401)
    }
    return user
  })

  app.decorateRequest('freshUser', async function freshUser (options: FreshUserOptions = {}) {
    const user = this.requireUser()
    try {
      const fresh = await refresher.fresh(this.session.sessionId, user)
      // The refresher already stored it; the store keeps the newer tokens whatever this request writes.
      if (fresh !== user) this.session.user = fresh
      return fresh
    } catch (error) {
      const outage = error instanceof GatewayError && error.statusCode >= 500 && error.code !== 'session_store_unavailable'
      if (options.tolerateProviderOutage === true && outage) {
        this.log.warn({ errorCode: error.code }, 'access token not refreshed; provider unavailable')
        return user
      }
      throw error
    }
  })
}, { name: 'auth', dependencies: ['stores', 'oidc', 'metrics'] })
