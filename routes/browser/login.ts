import type { FastifyPluginAsync } from 'fastify'
import { chosenEidOption } from '../../src/claims/eid-options.js'
import { askedAssurance, eidLoginParameters, stepUpSubject } from '../../src/claims/step-up.js'
import { GatewayError } from '../../src/errors.js'
import { perLoginParameters, type PerLoginQuery } from '../../src/oidc/login-parameters.js'
import { safeReturnTo } from '../../src/return-to.js'
import { beginLogin } from '../../src/sessions/pending-logins.js'
import { errorResponses, loginDescription, loginQuerySchema, redirectResponse } from '../../src/schemas/index.js'

interface LoginQuery extends PerLoginQuery { returnTo?: string, eid?: string, stepUp?: '1' | 'true' | '0' | 'false' }

/** What /login reads. Anything else (acr_values, claims, scope, connection…) would be the browser choosing what only the configuration chooses. */
const LOGIN_QUERY_NAMES = new Set(Object.keys(loginQuerySchema.properties))
const UNKNOWN_PARAMETER = `/login reads only ${[...LOGIN_QUERY_NAMES].join(', ')}`

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
    if (Object.keys(request.query).some((name) => !LOGIN_QUERY_NAMES.has(name))) throw new GatewayError('invalid_request', UNKNOWN_PARAMETER)
    const option = chosenEidOption(app.config.eids, request.query.eid)
    const stepUp = request.query.stepUp === '1' || request.query.stepUp === 'true'
    const stepUpOf = stepUp ? stepUpSubject(request.session.user) : undefined
    const parameters: Record<string, string> = {}
    // prompt, max_age, login_hint, ui_locales: allow-listed values only (a 400 before anything starts).
    Object.assign(parameters, perLoginParameters(request.query))
    // The eID option's connection, acr_values and login_hint prefix; a step-up's prompt and max_age win.
    Object.assign(parameters, eidLoginParameters(option, parameters.login_hint, stepUpOf !== undefined))
    const { url, transaction } = await app.oidc.startLogin({ returnTo: safeReturnTo(request.query.returnTo), eid: option?.name, parameters })
    // What the login must prove is the configuration's, kept here: the callback never takes it from the browser.
    const assurance = askedAssurance(option, app.config.oidc.acrValues, stepUpOf)
    beginLogin(request.session, assurance === undefined ? transaction : { ...transaction, assurance })
    request.report('login_started')
    return reply.header('cache-control', 'no-store').redirect(url.href, 302)
  })
}

export default login
