import fp from 'fastify-plugin'
import type { ApiTokenConfig } from '../src/config/api-tokens.js'
import { ApiTokens } from '../src/sessions/api-tokens.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The access token of upstream `name`, which has one of its own
     * (`settings`): from the session, or got and stored in it first.
     */
    apiToken (name: string, settings: ApiTokenConfig): Promise<string>
  }
}

export default fp(async (app) => {
  const apiTokens = new ApiTokens({
    refresher: app.tokenRefresher,
    // A refresh grant is counted as one, whichever token it is for.
    grant: async (settings, tokens) => settings.grant === 'refresh_token'
      ? await app.metrics.countRefreshGrant(async () => await app.oidc.apiToken(settings, tokens))
      : await app.oidc.apiToken(settings, tokens),
    marginSeconds: app.config.oidc.refreshMarginSeconds
  })

  app.decorateRequest('apiToken', async function apiToken (name: string, settings: ApiTokenConfig) {
    // An exchange hands the provider the session's access token: it must be fresh. A refresh grant needs none.
    const user = settings.grant === 'token_exchange' ? await this.freshUser() : this.requireUser()
    const { user: holder, accessToken } = await apiTokens.tokenFor(this.session.sessionId, user, name, settings)
    // Already stored; the store keeps the newer tokens whatever this request writes.
    if (holder !== user) this.session.user = holder
    return accessToken
  })
}, { name: 'api-tokens', dependencies: ['auth', 'oidc', 'metrics'] })
