import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { GatewayError } from '../src/errors.js'
import { toSessionUser, withoutLogin } from '../src/sessions/session-user.js'
import { LOGIN_TTL_SECONDS } from '../src/sessions/fastify-adapter.js'
import { errorSchema } from '../src/schemas.js'

interface CallbackQuery { state?: string }

const callback: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: CallbackQuery }>('/callback', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          state: { type: 'string', maxLength: 512 },
          code: { type: 'string', maxLength: 4096 },
          iss: { type: 'string', maxLength: 2048 },
          error: { type: 'string', maxLength: 256 },
          error_description: { type: 'string', maxLength: 2048 }
        }
      },
      response: { '4xx': errorSchema, '5xx': errorSchema }
    }
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const state = request.query.state
    const logins = request.session.logins
    const transaction = state !== undefined && logins !== undefined && Object.hasOwn(logins, state) ? logins[state] : undefined
    if (state === undefined || transaction === undefined) {
      await discardIfEmpty(request)
      throw new GatewayError('invalid_state', 'This login is unknown to this browser, already finished, or expired; start again', 400)
    }
    // Single use, whatever happens next: a replay of this URL finds nothing.
    request.session.logins = withoutLogin(logins, state)
    if (transaction.createdAt + LOGIN_TTL_SECONDS * 1000 < Date.now()) {
      await discardIfEmpty(request)
      throw new GatewayError('invalid_state', 'This login took too long; start again', 400)
    }

    const query = request.url.slice(request.url.indexOf('?') + 1)
    let result
    try {
      result = await app.oidc.finishLogin(query, transaction)
    } catch (error) {
      await discardIfEmpty(request)
      throw error
    }
    // A fresh id for the signed-in session: an id planted before login is worthless.
    await request.session.regenerate()
    request.session.user = toSessionUser(result.claims, result.tokens, transaction, app.config.session.maxAgeSeconds)
    request.log.info({ eid: transaction.eid }, 'login succeeded')
    return reply.redirect(transaction.returnTo, 302)
  })
}

/** A session that only held this login has nothing left: drop it rather than keep an empty one. */
async function discardIfEmpty (request: FastifyRequest): Promise<void> {
  const session = request.session
  if (session.user !== undefined || Object.keys(session.logins ?? {}).length > 0) return
  if (session.isSaved() || request.cookies[request.server.config.session.cookieName] !== undefined) {
    await session.destroy()
  }
}

export default callback
