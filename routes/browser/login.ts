import type { FastifyPluginAsync } from 'fastify'
import { GatewayError } from '../../src/errors.js'
import { perLoginParameters, type PerLoginQuery } from '../../src/oidc/login-parameters.js'
import { safeReturnTo } from '../../src/return-to.js'
import { beginLogin } from '../../src/sessions/pending-logins.js'
import { errorResponses, loginDescription, loginQuerySchema, redirectResponse } from '../../src/schemas/index.js'

interface LoginQuery extends PerLoginQuery { returnTo?: string, eid?: string }

const login: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: LoginQuery }>('/login', {
    schema: {
      summary: 'Start a login',
      description: loginDescription,
      tags: ['auth'],
      querystring: loginQuerySchema,
      response: {
        302: redirectResponse('To the identity provider', 'The provider\'s authorization URL', {
          'set-cookie': { type: 'string', description: 'The session cookie that binds the login to this browser' }
        }),
        ...errorResponses(['invalid_request', 'rate_limited', 'provider_unavailable', 'session_store_unavailable', 'provider_error', 'provider_timeout'])
      }
    }
  }, async function startLogin (request, reply) {
    const eid = request.query.eid === '' ? undefined : request.query.eid
    const connections = app.config.oidc.eidConnections
    if (eid !== undefined && !Object.hasOwn(connections, eid)) {
      const known = Object.keys(connections)
      throw new GatewayError('invalid_request', known.length > 0
        ? `Unknown eid; this gateway offers: ${known.join(', ')}`
        : 'This gateway has no eID connections configured (EID_CONNECTIONS)')
    }
    const parameters: Record<string, string> = eid === undefined ? {} : { connection: connections[eid] as string }
    // prompt, max_age, login_hint, ui_locales: allow-listed values only (a 400 before anything starts).
    Object.assign(parameters, perLoginParameters(request.query))
    const { url, transaction } = await app.oidc.startLogin({ returnTo: safeReturnTo(request.query.returnTo), eid, parameters })
    beginLogin(request.session, transaction)
    request.report('login_started')
    return reply.header('cache-control', 'no-store').redirect(url.href, 302)
  })
}

export default login
