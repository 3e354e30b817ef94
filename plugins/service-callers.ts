import fp from 'fastify-plugin'
import { pairwiseSubjects } from '../src/claims/pairwise.js'
import { GatewayError } from '../src/errors.js'
import type { ServiceCaller } from '../src/oidc/service-token.js'
import { bearerTokenOf } from '../src/security/bearer-token.js'
import { RAW_SUBJECT_SCOPE, type ServiceSubject } from '../src/security/service-scopes.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The calling service, from a client-credentials token for `audience`
     * in `Authorization: Bearer`. Refuses with 401 and a `WWW-Authenticate`
     * challenge (RFC 6750) without one or when it fails a check.
     */
    serviceCaller (audience: string): Promise<ServiceCaller>
    /**
     * The person a service names in a path: by the pairwise id the gateway
     * gives that service (forward auth, earlier answers), or by the raw `sub`
     * when its token carries `claims:sub`. Undefined: nobody this caller may name.
     */
    serviceSubject (caller: ServiceCaller, id: string): ServiceSubject | undefined
  }
}

/** One reader of service tokens, and of the names services know people by, for the service API. */
export default fp(async (app) => {
  const pairwise = pairwiseSubjects(app.config.internalApi.pairwiseSecret)

  app.decorateRequest('serviceCaller', async function serviceCaller (audience: string): Promise<ServiceCaller> {
    const token = bearerTokenOf(this.headers.authorization)
    if (token === undefined) {
      throw new GatewayError('unauthenticated', 'Send a service token as Authorization: Bearer <token>', 401, { challenge: 'Bearer' })
    }
    try {
      return await app.oidc.verifyServiceToken(token, audience)
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'invalid_token') {
        throw new GatewayError(error.code, error.message, error.statusCode, { cause: error, challenge: 'Bearer error="invalid_token"' })
      }
      throw error
    }
  })

  app.decorateRequest('serviceSubject', function serviceSubject (caller: ServiceCaller, id: string): ServiceSubject | undefined {
    if (caller.scopes.includes(RAW_SUBJECT_SCOPE)) return { sub: id, id }
    // Each calling service has ids of its own: its client id is their audience.
    const sub = pairwise.subjectOf(id, caller.clientId)
    return sub === undefined ? undefined : { sub, id }
  })
}, { name: 'service-callers', dependencies: ['config', 'oidc'] })
