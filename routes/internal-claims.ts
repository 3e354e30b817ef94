import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { createHash } from 'node:crypto'
import { CLAIM_SCOPES, claimScopesOf, claimsForScopes } from '../src/claims/service-claims.js'
import { GatewayError } from '../src/errors.js'
import { bearerTokenOf } from '../src/security/bearer-token.js'
import { errorResponses, profileSchema } from '../src/schemas.js'

const { properties: profile } = profileSchema

const serviceClaimsSchema = {
  description: 'The user\'s claims, minimised: `sub` and `eid` always, every other field only when a scope of the token opens it and the login provided it',
  type: 'object',
  required: ['sub'],
  properties: {
    sub: profile.sub,
    eid: profile.eid,
    name: { type: 'string', description: '`claims:profile`' },
    givenName: { type: 'string', description: '`claims:profile`' },
    familyName: { type: 'string', description: '`claims:profile`' },
    birthdate: { ...profile.birthdate, description: '`claims:birthdate`: YYYY-MM-DD (or YYYY alone)' },
    ageOver18: { type: 'boolean', description: '`claims:age`: computed at the lookup; absent when the birthdate cannot tell (a year alone near the birthday, or none)' },
    ageOver21: { type: 'boolean', description: '`claims:age`, as `ageOver18`' },
    address: { ...profile.address, description: '`claims:address`' },
    nationalNumber: { ...profile.nationalNumber, description: '`claims:national_number`: the Belgian national register number' },
    nationalId: { ...profile.nationalId, description: '`claims:national_number`: the national identifier of the eID used, typed' }
  },
  additionalProperties: false
} as const

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
      description: `For services inside the platform. The caller sends \`Authorization: Bearer <JWT>\`: an access token from the identity provider, obtained with the client-credentials grant for the audience \`${audience}\`, verified against the provider's keys (\`iss\`, \`aud\`, \`exp\`, \`nbf\`, asymmetric \`alg\`). Its scopes decide what comes back (data minimisation): ${CLAIM_SCOPES.map((scope) => `\`${scope}\``).join(', ')}. The claims come from the user's latest login and are forgotten at logout. Every lookup is audited (caller, a hash of the subject, the scopes granted; never a claim value).`,
      tags: ['internal'],
      security: [{ serviceToken: [...CLAIM_SCOPES] }],
      params: {
        type: 'object',
        required: ['sub'],
        properties: { sub: { type: 'string', minLength: 1, maxLength: 255, description: 'The user\'s subject identifier (URL-encoded), as in `/me`' } }
      },
      response: {
        200: serviceClaimsSchema,
        ...errorResponses({
          401: '`unauthenticated` (no bearer token) or `invalid_token` (unverifiable, expired, for another audience, or a user\'s token); with `WWW-Authenticate: Bearer`',
          403: '`insufficient_scope`: the token carries none of the claims scopes',
          404: '`not_found`: no claims for this subject (not signed in since the claims expired, or signed out)',
          429: '`rate_limited`: too many lookups by this calling service',
          502: '`provider_unavailable`: the provider\'s keys could not be fetched',
          503: '`provider_unavailable` (metadata not loaded yet) or `session_store_unavailable`',
          504: '`provider_timeout`: fetching the provider\'s keys took too long'
        })
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
