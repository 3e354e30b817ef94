import type { FastifyPluginAsync } from 'fastify'
import { GatewayError } from '../src/errors.js'
import { safeReturnTo } from '../src/return-to.js'
import { addLogin } from '../src/sessions/session-user.js'
import { LOGIN_TTL_SECONDS } from '../src/sessions/fastify-adapter.js'
import { errorSchema } from '../src/schemas.js'

/** Enough for a few tabs that start a login at once; more only costs memory. */
const MAX_PENDING_LOGINS = 3

interface LoginQuery { returnTo?: string, eid?: string }

const login: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: LoginQuery }>('/login', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          returnTo: { type: 'string', maxLength: 2048 },
          eid: { type: 'string', maxLength: 32 }
        }
      },
      response: { '4xx': errorSchema, '5xx': errorSchema }
    }
  }, async (request, reply) => {
    const eid = request.query.eid === '' ? undefined : request.query.eid
    const connections = app.config.oidc.eidConnections
    if (eid !== undefined && !Object.hasOwn(connections, eid)) {
      const known = Object.keys(connections)
      throw new GatewayError('invalid_request', known.length > 0
        ? `Unknown eid; this gateway offers: ${known.join(', ')}`
        : 'This gateway has no eID connections configured (EID_CONNECTIONS)')
    }
    const { url, transaction } = await app.oidc.startLogin({ returnTo: safeReturnTo(request.query.returnTo), eid })
    request.session.logins = addLogin(request.session.logins, transaction, MAX_PENDING_LOGINS, LOGIN_TTL_SECONDS)
    return reply.header('cache-control', 'no-store').redirect(url.href, 302)
  })
}

export default login
