import type { FastifyPluginAsync } from 'fastify'
import formbody from '@fastify/formbody'
import { GatewayError } from '../src/errors.js'
import { errorResponses } from '../src/schemas.js'

interface LogoutBody { logout_token?: string }

/** OpenID Connect Back-Channel Logout 1.0: the provider tells us a user's session ended. */
const backchannelLogout: FastifyPluginAsync = async (app) => {
  // Encapsulated: only this route parses form bodies.
  await app.register(formbody, { bodyLimit: 16 * 1024 })
  // The spec's request is form-encoded; anything else is refused with 415.
  app.removeContentTypeParser(['application/json', 'text/plain'])

  app.post<{ Body: LogoutBody }>('/backchannel-logout', {
    schema: {
      summary: 'Back-channel logout (called by the provider)',
      description: 'OpenID Connect Back-Channel Logout 1.0. The provider posts a signed logout token; it is verified with the provider\'s keys (`iss`, `aud`, `iat`, `exp`, `jti`, the logout event, no `nonce`) and ends every session of its `sid`, or of its `sub` when it names no `sid`. A token is accepted once.',
      tags: ['auth'],
      consumes: ['application/x-www-form-urlencoded'],
      body: {
        type: 'object',
        required: ['logout_token'],
        properties: { logout_token: { type: 'string', minLength: 1, maxLength: 8192, description: 'The logout token (a JWT signed by the provider)' } }
      },
      response: {
        200: { type: 'null', description: 'The sessions are ended (also when there were none)' },
        ...errorResponses({
          400: '`logout_token_invalid` (bad signature or claims, or already used), `invalid_request` (no `logout_token`)',
          413: '`invalid_request`: the body is larger than 16 KiB',
          415: '`invalid_request`: the body is not `application/x-www-form-urlencoded`',
          429: '`rate_limited`: too many calls from this address',
          502: '`provider_unavailable`: the provider\'s keys could not be fetched',
          503: '`provider_unavailable` (metadata not loaded yet) or `session_store_unavailable`',
          504: '`provider_timeout`: fetching the provider\'s keys took too long'
        })
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
    return reply.code(200).send()
  })
}

export default backchannelLogout
