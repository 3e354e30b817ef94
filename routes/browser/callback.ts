import type { FastifyPluginAsync } from 'fastify'
import { assessLogin } from '../../src/claims/login-assurance.js'
import { checkLoginAssurance } from '../../src/claims/step-up.js'
import { takeLogin } from '../../src/sessions/pending-logins.js'
import { toSessionUser } from '../../src/sessions/session-user.js'
import { callbackDescription, callbackQuerySchema, errorResponses, redirectResponse } from '../../src/schemas/index.js'

interface CallbackQuery { state?: string }

const callback: FastifyPluginAsync = async (app) => {
  const assessment = { claimsNamespace: app.config.claims.namespace, eidOptions: app.config.eids }
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
          'access_denied', 'insufficient_assurance', 'step_up_subject_mismatch', 'rate_limited', 'provider_unavailable',
          'provider_error', 'session_store_unavailable', 'provider_timeout'
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
    // The level comes from the signed claims and must reach what /login asked, as its transaction keeps it.
    const assurance = assessLogin(result.claims, assessment)
    checkLoginAssurance(transaction, result.claims.sub, assurance)
    // A fresh id for the signed-in session: an id planted before login is worthless. A step-up
    // replaces the session the same way: one cookie, a new value, nothing of the old login kept.
    await request.session.regenerate()
    request.session.user = toSessionUser(result.claims, result.tokens, app.config.session.maxAgeSeconds, assurance)
    request.log.info({ eid: transaction.eid, level: assurance.level, stepUp: transaction.assurance?.stepUpOf !== undefined }, 'login succeeded')
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
