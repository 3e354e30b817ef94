import type { FastifyPluginAsync } from 'fastify'
import { takeLogin } from '../../src/sessions/pending-logins.js'
import { toSessionUser } from '../../src/sessions/session-user.js'
import { callbackDescription, callbackQuerySchema, errorResponses, redirectResponse } from '../../src/schemas/index.js'

interface CallbackQuery { state?: string }

const callback: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: CallbackQuery }>('/callback', {
    config: { failureEvent: 'login_failed' },
    schema: {
      summary: 'Finish a login (the provider\'s redirect)',
      description: callbackDescription,
      tags: ['auth'],
      querystring: callbackQuerySchema,
      response: {
        302: redirectResponse('Signed in', 'The `returnTo` of the login, on this origin', {
          'set-cookie': { type: 'string', description: 'The new session cookie' }
        }),
        ...errorResponses([
          'invalid_state', 'invalid_request', 'invalid_grant', 'id_token_invalid', 'issuer_mismatch', 'login_failed',
          'access_denied', 'rate_limited', 'provider_unavailable', 'provider_error', 'session_store_unavailable', 'provider_timeout'
        ])
      }
    }
  }, async function finishLogin (request, reply) {
    reply.header('cache-control', 'no-store')
    const transaction = takeLogin(request.session, request.query.state)
    // A silent login (prompt=none) that needs the person goes back to returnTo with login=required, not to an error.
    const silent = app.oidc.silentLoginOutcome(callbackQuery(request.url), transaction)
    if (silent !== undefined) return reply.redirect(silent, 302)
    const result = await app.oidc.finishLogin(callbackQuery(request.url), transaction)
    // A fresh id for the signed-in session: an id planted before login is worthless.
    await request.session.regenerate()
    request.session.user = toSessionUser(result.claims, result.tokens, app.config.session.maxAgeSeconds)
    request.log.info({ eid: transaction.eid }, 'login succeeded')
    request.report('login_succeeded')
    return reply.redirect(transaction.returnTo, 302)
  })
}

/** The query of a request URL (origin-form, src/security/request-target.ts), as the provider sent it. */
function callbackQuery (url: string): string {
  const at = url.indexOf('?')
  return at === -1 ? '' : url.slice(at + 1)
}

export default callback
