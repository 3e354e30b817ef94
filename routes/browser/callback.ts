import type { FastifyPluginAsync } from 'fastify'
import { takeLogin } from '../../src/sessions/pending-logins.js'
import { toSessionUser } from '../../src/sessions/session-user.js'
import { errorResponses, redirectResponse } from '../../src/schemas.js'

interface CallbackQuery { state?: string }

const callback: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: CallbackQuery }>('/callback', {
    schema: {
      summary: 'Finish a login (the provider\'s redirect)',
      description: 'The redirect URI. Checks the login belongs to this browser (`state`, single use), exchanges the code on the back channel with the PKCE verifier, verifies the ID token (signature via JWKS, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, allowed `alg`), then starts a fresh session (a new id: no fixation) and sends the browser to its `returnTo`. Any failure is a JSON error and leaves no signed-in session.',
      tags: ['auth'],
      querystring: {
        type: 'object',
        properties: {
          state: { type: 'string', maxLength: 512, description: 'The login\'s state, as sent by `/login`' },
          code: { type: 'string', maxLength: 4096, description: 'The authorization code' },
          iss: { type: 'string', maxLength: 2048, description: 'RFC 9207: the issuer that answered; must be ours' },
          error: { type: 'string', maxLength: 256, description: 'The provider\'s error instead of a code, e.g. `access_denied`' },
          error_description: { type: 'string', maxLength: 2048, description: 'The provider\'s text for `error`; not shown' },
          session_state: { type: 'string', maxLength: 2048, description: 'OIDC Session Management; ignored' }
        },
        // Providers add their own parameters: those are not a reason to fail a login.
        additionalProperties: true
      },
      response: {
        302: redirectResponse('Signed in', 'The `returnTo` of the login, on this origin', {
          'set-cookie': { type: 'string', description: 'The new session cookie' }
        }),
        ...errorResponses({
          400: '`invalid_state` (unknown, replayed, expired or another browser\'s login), `invalid_request`, `invalid_grant`, `id_token_invalid`, `issuer_mismatch`, `login_failed`',
          403: '`access_denied`: the person cancelled or the provider refused',
          429: '`rate_limited`: too many callbacks from this address',
          502: '`provider_unavailable` (unreachable) or `provider_error` (refused the token request)',
          503: '`provider_unavailable` (metadata not loaded yet) or `session_store_unavailable`',
          504: '`provider_timeout`: the provider did not answer in time'
        })
      }
    }
  }, async function finishLogin (request, reply) {
    reply.header('cache-control', 'no-store')
    const transaction = takeLogin(request.session, request.query.state)
    const result = await app.oidc.finishLogin(callbackQuery(request.url), transaction)
    // A fresh id for the signed-in session: an id planted before login is worthless.
    await request.session.regenerate()
    request.session.user = toSessionUser(result.claims, result.tokens, app.config.session.maxAgeSeconds)
    request.log.info({ eid: transaction.eid }, 'login succeeded')
    return reply.redirect(transaction.returnTo, 302)
  })
}

/** The query of a request URL (origin-form, src/security/request-target.ts), as the provider sent it. */
function callbackQuery (url: string): string {
  const at = url.indexOf('?')
  return at === -1 ? '' : url.slice(at + 1)
}

export default callback
