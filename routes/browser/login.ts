import type { FastifyPluginAsync } from 'fastify'
import { GatewayError } from '../../src/errors.js'
import { safeReturnTo } from '../../src/return-to.js'
import { beginLogin } from '../../src/sessions/pending-logins.js'
import { errorResponses, redirectResponse } from '../../src/schemas.js'

interface LoginQuery { returnTo?: string, eid?: string }

const login: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: LoginQuery }>('/login', {
    schema: {
      summary: 'Start a login',
      description: 'Browser navigation. Sends the browser to the provider\'s authorization endpoint (code flow: `response_type=code`, `state`, `nonce`, PKCE `S256`) and binds the login to this browser with a session cookie. Several logins (tabs) may be in progress at once.',
      tags: ['auth'],
      querystring: {
        type: 'object',
        properties: {
          returnTo: {
            type: 'string',
            maxLength: 2048,
            description: 'Where to land after the login: a same-origin path. Anything else (another origin, `//host`, `/\\host`, control characters) becomes `/`.',
            examples: ['/dashboard']
          },
          eid: {
            type: 'string',
            maxLength: 32,
            description: 'Which eID to sign in with: a name from `EID_CONNECTIONS`; it picks the Auth0 connection. Empty or absent: the provider\'s own choice.',
            examples: ['itsme']
          }
        }
      },
      response: {
        302: redirectResponse('To the identity provider', 'The provider\'s authorization URL', {
          'set-cookie': { type: 'string', description: 'The session cookie that binds the login to this browser' }
        }),
        ...errorResponses({
          400: '`invalid_request`: an unknown `eid`, or a query the schema refuses',
          429: '`rate_limited`: too many logins from this address',
          503: '`provider_unavailable`: the provider\'s metadata is not loaded yet; `session_store_unavailable`'
        })
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
    const { url, transaction } = await app.oidc.startLogin({ returnTo: safeReturnTo(request.query.returnTo), eid })
    beginLogin(request.session, transaction)
    return reply.header('cache-control', 'no-store').redirect(url.href, 302)
  })
}

export default login
