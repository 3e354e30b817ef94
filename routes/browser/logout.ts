import type { FastifyPluginAsync } from 'fastify'
import { GatewayError } from '../../src/errors.js'
import { errorResponses, logoutDescription, logoutQuerySchema, redirectResponse } from '../../src/schemas/index.js'

interface LogoutQuery { sid?: string }

const logout: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: LogoutQuery }>('/logout', {
    schema: {
      summary: 'Sign out',
      description: logoutDescription,
      tags: ['auth'],
      querystring: logoutQuerySchema,
      response: {
        302: redirectResponse('Signed out (or there was no session)', 'The provider\'s end-session URL, or `/`', {
          'set-cookie': { type: 'string', description: 'Clears the session cookie (when there was a session)' }
        }),
        ...errorResponses(['invalid_sid', 'invalid_request', 'session_store_unavailable'])
      }
    }
  }, async function signOut (request, reply) {
    reply.header('cache-control', 'no-store')
    const user = request.session.user
    if (user === undefined) return reply.redirect('/', 302)
    // The sid comes from /me, which another site cannot read: a forged logout link fails here.
    if (request.query.sid !== user.sid) {
      throw new GatewayError('invalid_sid', 'This logout link does not belong to the current session', 400)
    }
    const endSession = app.oidc.ready ? app.oidc.endSessionUrl({ idToken: user.tokens.idToken, sid: user.claims.sid }) : undefined
    const refreshToken = user.tokens.refreshToken
    // Not awaited: logout must not wait on the provider; the helper never throws.
    // The logout's own logger: a failure is logged under its request id.
    if (refreshToken !== undefined) void app.oidc.revokeRefreshToken(refreshToken, request.log.child({ module: 'oidc' }))
    // The cookie of a destroyed session is cleared on the way out (autohooks.ts); the claims directory forgets with it.
    await request.session.destroy()
    request.log.info('logout')
    request.report('logged_out')
    return reply.redirect(endSession?.href ?? '/', 302)
  })
}

export default logout
