import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { createHash } from 'node:crypto'
import { CLAIM_SCOPES, claimScopesOf, claimsForScopes } from '../src/claims/service-claims.js'
import { GatewayError } from '../src/errors.js'
import { bearerTokenOf } from '../src/security/bearer-token.js'
import { errorResponses, internalClaimsDescription, internalClaimsParamsSchema, serviceClaimsSchema } from '../src/schemas/index.js'

/**
 * Subjects are personal data and stay out of logs; audit lines carry this
 * hash instead, which an auditor recomputes from a subject with sha256sum.
 */
function subjectHash (sub: string): string {
  return createHash('sha256').update(sub).digest('hex').slice(0, 32)
}

/**
 * `GET /internal/users/:sub/claims`: services inside the platform read a
 * signed-in user's verified claims with a client-credentials token for
 * INTERNAL_AUDIENCE; the token's scopes decide which claims they get.
 */
const internalClaims: FastifyPluginAsync = async (app) => {
  const audience = app.config.internalApi.audience
  if (audience === undefined) return

  function refuse (reply: FastifyReply, error: GatewayError, challenge: string): never {
    reply.header('www-authenticate', challenge)
    throw error
  }

  app.get<{ Params: { sub: string } }>('/internal/users/:sub/claims', {
    schema: {
      summary: 'A user\'s claims, for a service',
      description: internalClaimsDescription(audience),
      tags: ['internal'],
      security: [{ serviceToken: [...CLAIM_SCOPES] }],
      params: internalClaimsParamsSchema,
      response: {
        200: serviceClaimsSchema,
        ...errorResponses([
          'unauthenticated', 'invalid_token', 'insufficient_scope', 'not_found', 'rate_limited',
          'provider_unavailable', 'session_store_unavailable', 'provider_timeout'
        ])
      }
    }
  }, async function lookUpClaims (request, reply) {
    reply.header('cache-control', 'no-store')
    const token = bearerTokenOf(request.headers.authorization)
    if (token === undefined) {
      refuse(reply, new GatewayError('unauthenticated', 'Send a service token as Authorization: Bearer <token>', 401), 'Bearer')
    }
    let caller
    try {
      caller = await app.oidc.verifyServiceToken(token, audience)
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'invalid_token') {
        refuse(reply, error, 'Bearer error="invalid_token"')
      }
      throw error
    }
    const scopes = claimScopesOf(caller.scopes)
    const { sub } = request.params
    const audit = { audit: 'claims_lookup', caller: caller.clientId, subHash: subjectHash(sub), scopesGranted: scopes }
    if (scopes.length === 0) {
      request.log.info({ ...audit, outcome: 'insufficient_scope' }, 'claims lookup')
      refuse(reply, new GatewayError('insufficient_scope', `The token carries none of the scopes ${CLAIM_SCOPES.join(', ')}`, 403), `Bearer error="insufficient_scope", scope="${CLAIM_SCOPES.join(' ')}"`)
    }
    const stored = await app.claimsDirectory.find(sub)
    request.log.info({ ...audit, outcome: stored === undefined ? 'not_found' : 'found' }, 'claims lookup')
    if (stored === undefined) throw new GatewayError('not_found', 'No claims for this user: not signed in, or signed out', 404)
    return claimsForScopes(stored, scopes)
  })
}

export default internalClaims
