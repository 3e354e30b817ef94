import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError, type ErrorCode } from '../../src/errors.js'
import { levelShortfall } from '../../src/forward-auth/assurance.js'
import { LOGIN_HEADER } from '../../src/forward-auth/fields.js'
import { createForwardAuth } from '../../src/forward-auth/forward-auth.js'
import type { IdentityAnswer } from '../../src/forward-auth/identity-headers.js'
import { originalTarget, type OriginalTarget } from '../../src/forward-auth/original-path.js'
import { loginLink } from '../../src/forward-auth/login-link.js'
import { checkForwardedHost, forwardedTarget } from '../../src/forward-auth/request.js'
import {
  ENVOY_PREFIX, envoyAllowedResponse, envoyAuthDescription, errorResponses, forwardAuthAllowedResponse,
  forwardAuthDescription, unauthenticatedHeaders
} from '../../src/schemas/index.js'

/** nginx asks with the original request's method; Traefik and Caddy with GET; Envoy with the original. */
const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS']

/**
 * No registered scheme names a session cookie; this one (after the expired
 * draft-broyer-http-cookie-auth) says what the credential is and where to get
 * one, and no browser shows a password prompt for it, as it would for Basic.
 */
const CHALLENGE = 'Cookie realm="eid-bff-gateway", form-action="/login"'

const REFUSALS: ErrorCode[] = [
  'invalid_request', 'unauthenticated', 'insufficient_user_authentication', 'access_denied', 'session_store_unavailable',
  'provider_unavailable', 'provider_error', 'provider_timeout'
]

function refusals () {
  const responses = errorResponses(REFUSALS)
  return { ...responses, 401: { ...responses['401'], headers: unauthenticatedHeaders } }
}

/**
 * Forward auth: proxies ask here whether the browser behind a request for
 * another service is signed in, and get back only what that service's rule
 * (FORWARD_AUTH) hands it. `/auth` speaks oauth2-proxy's `/oauth2/auth`
 * contract (202 or 401); `/auth/envoy/*` is Envoy's HTTP `ext_authz` (200).
 */
const forwardAuth: FastifyPluginAsync = async (app) => {
  const settings = app.config.forwardAuth
  if (settings === undefined) return
  const checker = createForwardAuth(settings, { claimsNamespace: app.config.claims.namespace, eidOptions: app.config.eids })
  const hostname = app.config.baseUrl.hostname

  // A proxy sends no body (nginx: `proxy_pass_request_body off`; Envoy: Content-Length 0); one that comes anyway is not read.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => { done(null) })

  /**
   * The rule for the original target, the session's user, and what the rule
   * hands over for them. Each 401 says where the browser signs in: `/login`,
   * or a step-up when the login is below the rule's level (RFC 9470).
   */
  async function answer (request: FastifyRequest, reply: FastifyReply, target: OriginalTarget): Promise<IdentityAnswer> {
    reply.header('cache-control', 'no-store')
    const rule = checker.ruleFor(target.path)
    let user
    try {
      // Only a rule that hands over the token has a reason to renew it.
      user = rule.accessToken === 'none' ? request.requireUser() : await request.freshUser()
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'unauthenticated') {
        reply.header('www-authenticate', CHALLENGE)
        reply.header(LOGIN_HEADER, loginLink(target.target))
      }
      throw error
    }
    const shortfall = levelShortfall(user, rule.level, app.config.eids)
    if (shortfall === null) {
      throw new GatewayError('access_denied', `This path needs a login at the assurance level ${rule.level ?? ''} or higher, and no eID option of this gateway reaches it`, 403)
    }
    if (shortfall !== undefined) {
      reply.header('www-authenticate', shortfall.challenge)
      reply.header(LOGIN_HEADER, loginLink(target.target, shortfall.option.name))
      throw new GatewayError('insufficient_user_authentication', shortfall.message, 401)
    }
    return checker.answerFor(user, rule)
  }

  app.route({
    method: METHODS,
    url: '/auth',
    schema: {
      summary: 'Forward auth for a proxy',
      description: forwardAuthDescription,
      tags: ['auth'],
      security: [{ sessionCookie: [] }],
      response: { 202: forwardAuthAllowedResponse, ...refusals() }
    },
    handler: async function checkForwardAuth (request, reply) {
      checkForwardedHost(request.headers, hostname)
      const { headers } = await answer(request, reply, forwardedTarget(request.headers))
      return reply.code(202).headers(headers).send()
    }
  })

  app.route({
    method: METHODS,
    url: `${ENVOY_PREFIX}/*`,
    schema: {
      summary: 'Forward auth for Envoy (ext_authz, HTTP)',
      description: envoyAuthDescription,
      tags: ['auth'],
      security: [{ sessionCookie: [] }],
      response: { 200: envoyAllowedResponse, ...refusals() }
    },
    handler: async function checkEnvoyRequest (request, reply) {
      // The router also matches an escaped prefix (`/auth/%65nvoy/…`), which Envoy never sends; cutting it off by length would misread the rest.
      if (!request.url.startsWith(`${ENVOY_PREFIX}/`)) {
        throw new GatewayError('invalid_request', `Envoy's path_prefix must be ${ENVOY_PREFIX}`, 400)
      }
      const target = originalTarget(request.url.slice(ENVOY_PREFIX.length), 'The path after /auth/envoy')
      const { headers, unset } = await answer(request, reply, target)
      if (unset.length > 0) reply.header('x-envoy-auth-headers-to-remove', unset.join(', '))
      return reply.code(200).headers(headers).send()
    }
  })
}

export default forwardAuth
