import type { FastifyPluginAsync } from 'fastify'
import formbody from '@fastify/formbody'
import { GatewayError } from '../src/errors.js'
import { backchannelLogoutBodySchema, backchannelLogoutDescription, errorResponses } from '../src/schemas/index.js'

interface LogoutBody { logout_token?: string }

/** OpenID Connect Back-Channel Logout 1.0: the provider tells us a user's session ended. */
const backchannelLogout: FastifyPluginAsync = async (app) => {
  // Encapsulated: only this route parses form bodies.
  await app.register(formbody, { bodyLimit: 16 * 1024 })
  // The spec's request is form-encoded; anything else is refused with 415.
  app.removeContentTypeParser(['application/json', 'text/plain'])

  app.post<{ Body: LogoutBody }>('/backchannel-logout', {
    config: { failureEvent: 'backchannel_logout_rejected' },
    schema: {
      summary: 'Back-channel logout (called by the provider)',
      description: backchannelLogoutDescription,
      tags: ['auth'],
      consumes: ['application/x-www-form-urlencoded'],
      body: backchannelLogoutBodySchema,
      response: {
        200: { type: 'null', description: 'The sessions are ended (also when there were none)' },
        ...errorResponses(
          ['logout_token_invalid', 'invalid_request', 'rate_limited', 'provider_unavailable', 'session_store_unavailable', 'provider_timeout'],
          { body: true }
        )
      }
    }
  }, async function endSessions (request, reply) {
    reply.header('cache-control', 'no-store')
    const token = request.body.logout_token
    if (token === undefined) throw new GatewayError('invalid_request', 'logout_token is required')
    const claims = await app.oidc.verifyLogoutToken(token)
    // A captured logout token replayed later must not end a newer session of the same sid.
    const jti = `logout-jti:${claims.jti}`
    if (await app.replayGuard.seen(jti)) {
      throw new GatewayError('logout_token_invalid', 'This logout token was already used', 400)
    }
    // Ending sessions is idempotent, so the token is recorded only once they are ended:
    // if the store fails first, the provider's retry (after our 503) still ends them.
    const ended = claims.sid !== undefined
      ? await app.sessionStore.destroyBySid(claims.sid)
      : await app.sessionStore.destroyBySub(claims.sub as string)
    await app.replayGuard.record(jti, Math.max(60, claims.exp - Math.floor(Date.now() / 1000) + 300))
    request.log.info({ sessionsEnded: ended, by: claims.sid !== undefined ? 'sid' : 'sub' }, 'back-channel logout')
    request.report('backchannel_logout')
    return reply.code(200).send()
  })
}

export default backchannelLogout
