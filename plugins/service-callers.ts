import fp from 'fastify-plugin'
import { GatewayError } from '../src/errors.js'
import type { ServiceCaller } from '../src/oidc/service-token.js'
import { bearerTokenOf } from '../src/security/bearer-token.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The calling service, from a client-credentials token for `audience`
     * in `Authorization: Bearer`. Refuses with 401 and a `WWW-Authenticate`
     * challenge (RFC 6750) without one or when it fails a check, and with 403
     * `insufficient_scope` when it carries none of `scopes`.
     */
    serviceCaller (audience: string, scopes: readonly string[]): Promise<ServiceCaller>
  }
}

/** One reader of service tokens for the routes of the service API. */
export default fp(async (app) => {
  app.decorateRequest('serviceCaller', async function serviceCaller (audience: string, scopes: readonly string[]): Promise<ServiceCaller> {
    const token = bearerTokenOf(this.headers.authorization)
    if (token === undefined) {
      throw new GatewayError('unauthenticated', 'Send a service token as Authorization: Bearer <token>', 401, { challenge: 'Bearer' })
    }
    let caller: ServiceCaller
    try {
      caller = await app.oidc.verifyServiceToken(token, audience)
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'invalid_token') {
        throw new GatewayError(error.code, error.message, error.statusCode, { cause: error, challenge: 'Bearer error="invalid_token"' })
      }
      throw error
    }
    if (!caller.scopes.some((scope) => scopes.includes(scope))) {
      throw new GatewayError('insufficient_scope', `The token carries none of the scopes ${scopes.join(', ')}`, 403, { challenge: `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"` })
    }
    return caller
  })
}, { name: 'service-callers', dependencies: ['oidc'] })
