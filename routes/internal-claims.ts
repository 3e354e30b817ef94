import type { FastifyPluginAsync } from 'fastify'
import { CLAIM_SCOPES, claimScopesOf, claimsForScopes } from '../src/claims/service-claims.js'
import { GatewayError } from '../src/errors.js'
import { insufficientScope } from '../src/security/service-scopes.js'
import { subjectHash } from '../src/security/subject-hash.js'
import { errorResponses, internalClaimsDescription, internalClaimsParamsSchema, serviceClaimsSchema } from '../src/schemas/index.js'

/**
 * `GET /internal/users/:sub/claims`: services inside the platform read a
 * signed-in user's verified claims with a client-credentials token for
 * INTERNAL_AUDIENCE; the token's scopes decide which claims they get.
 */
const internalClaims: FastifyPluginAsync = async (app) => {
  const audience = app.config.internalApi.audience
  if (audience === undefined) return

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
    const caller = await request.serviceCaller(audience)
    const scopes = claimScopesOf(caller.scopes)
    const person = request.serviceSubject(caller, request.params.sub)
    const audit = { audit: 'claims_lookup', caller: caller.clientId, subHash: person === undefined ? undefined : subjectHash(person.sub), scopesGranted: scopes }
    if (scopes.length === 0) {
      request.log.info({ ...audit, outcome: 'insufficient_scope' }, 'claims lookup')
      throw insufficientScope(CLAIM_SCOPES)
    }
    const stored = person === undefined ? undefined : await app.claimsDirectory.find(person.sub)
    request.log.info({ ...audit, outcome: stored === undefined ? 'not_found' : 'found' }, 'claims lookup')
    if (person === undefined || stored === undefined) throw new GatewayError('not_found', 'No claims for this user: not signed in, or signed out', 404)
    // The person as this caller knows them: its pairwise id, or the sub with claims:sub.
    return { ...claimsForScopes(stored, scopes), sub: person.id }
  })
}

export default internalClaims
