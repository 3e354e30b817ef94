import type { FastifyPluginAsync } from 'fastify'
import { GatewayError } from '../src/errors.js'
import { errorSchema } from '../src/schemas.js'

interface LogoutQuery { sid?: string }

const logout: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: LogoutQuery }>('/logout', {
    schema: {
      querystring: { type: 'object', properties: { sid: { type: 'string', maxLength: 256 } } },
      response: { '4xx': errorSchema, '5xx': errorSchema }
    }
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const user = request.session.user
    if (user === undefined) return reply.redirect('/', 302)
    // The sid comes from /me, which another site cannot read: a forged logout link fails here.
    if (request.query.sid !== user.sid) {
      throw new GatewayError('invalid_sid', 'This logout link does not belong to the current session', 400)
    }
    const endSession = app.oidc.ready ? app.oidc.endSessionUrl(user.tokens.idToken) : undefined
    const refreshToken = user.tokens.refreshToken
    // Not awaited: logout must not wait on the provider; the helper never throws.
    if (refreshToken !== undefined) void app.oidc.revokeRefreshToken(refreshToken)
    await request.session.destroy()
    reply.clearCookie(app.config.session.cookieName, { path: '/', secure: app.config.session.secureCookie, httpOnly: true, sameSite: 'lax' })
    request.log.info('logout')
    return reply.redirect(endSession?.href ?? '/', 302)
  })
}

export default logout
