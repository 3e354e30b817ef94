import type { FastifyPluginAsync } from 'fastify'
import { GatewayError } from '../src/errors.js'
import { publicJwks } from '../src/oidc/client-keys.js'
import { errorResponses } from '../src/schemas/index.js'
import { jwksDescription, jwksSchema } from '../src/schemas/jwks.js'

/** Keys change only with a restart; a provider may keep them this long. */
const CACHE_CONTROL = 'public, max-age=600'

const jwks: FastifyPluginAsync = async (app) => {
  // Imported once, at start: the answer is the same for every request.
  const published = await publicJwks(app.config.oidc)

  app.get('/jwks.json', {
    schema: {
      summary: 'The gateway\'s public keys (JWK set)',
      description: jwksDescription,
      tags: ['auth'],
      response: { 200: { ...jwksSchema, description: 'The public signing and encryption keys' }, ...errorResponses(['not_found']) }
    }
  }, async function publishKeys (_request, reply) {
    if (published.keys.length === 0) throw new GatewayError('not_found', 'This gateway has no keys of its own (OIDC_CLIENT_KEY, OIDC_ENCRYPTION_KEY)', 404)
    reply.header('cache-control', CACHE_CONTROL)
    return published
  })
}

export default jwks
