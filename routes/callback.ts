import type { FastifyPluginAsync } from 'fastify'
import { GatewayError } from '../src/errors.js'
import { toSessionUser, withoutLogin } from '../src/sessions/session-user.js'
import { LOGIN_TTL_SECONDS } from '../src/sessions/gateway-session.js'
import { errorResponses, redirectResponse } from '../src/schemas.js'

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
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const state = request.query.state
    const logins = request.session.logins
    const transaction = state !== undefined && logins !== undefined && Object.hasOwn(logins, state) ? logins[state] : undefined
    // A session left with nothing in it is removed on the way out (src/sessions/gateway-session.ts).
    if (state === undefined || transaction === undefined) {
      throw new GatewayError('invalid_state', 'This login is unknown to this browser, already finished, or expired; start again', 400)
    }
    // Single use, whatever happens next: a replay of this URL finds nothing.
    request.session.logins = withoutLogin(logins, state)
    if (transaction.createdAt + LOGIN_TTL_SECONDS * 1000 < Date.now()) {
      throw new GatewayError('invalid_state', 'This login took too long; start again', 400)
    }

    const query = request.url.slice(request.url.indexOf('?') + 1)
    const result = await app.oidc.finishLogin(query, transaction)
    // A fresh id for the signed-in session: an id planted before login is worthless.
    await request.session.regenerate()
    const user = toSessionUser(result.claims, result.tokens, transaction, app.config.session.maxAgeSeconds)
    request.session.user = user
    request.log.info({ eid: transaction.eid }, 'login succeeded')
    return reply.redirect(transaction.returnTo, 302)
  })
}

export default callback
