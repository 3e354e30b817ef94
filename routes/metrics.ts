import type { FastifyPluginAsync } from 'fastify'
import { GatewayError } from '../src/errors.js'
import { METRICS_CONTENT_TYPE } from '../src/metrics.js'
import { errorResponses } from '../src/schemas/index.js'
import { bearerTokenCheck } from '../src/security/bearer-token.js'

/**
 * `GET /metrics` for Prometheus; with METRICS_TOKEN set, only for callers that
 * send it as a bearer token. With METRICS_PORT set it is served on that port
 * instead (plugins/metrics-listener.ts) and the public listener answers 404.
 */
const metrics: FastifyPluginAsync = async (app) => {
  if (app.config.metricsListener !== undefined) return
  const token = app.config.metricsToken
  const authorized = token === undefined ? () => true : bearerTokenCheck(token)

  app.get('/metrics', {
    // Scrapes every few seconds would drown the request log at info.
    logLevel: 'warn',
    schema: {
      summary: 'Prometheus metrics',
      description: 'The Prometheus text exposition (format 0.0.4): requests and their latency per route pattern, logins started, succeeded and failed by error code, logouts and back-channel logouts, refresh grants and their failures, sessions held by the memory store, latency per upstream, and the Node process. Labels never name a person, a session or a token. With `METRICS_TOKEN` set, send it as `Authorization: Bearer <token>`.',
      tags: ['metrics'],
      security: [{}, { metricsToken: [] }],
      response: {
        200: { description: 'The metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
        ...errorResponses(['unauthenticated'])
      }
    }
  }, async function exposition (request, reply) {
    reply.header('cache-control', 'no-store')
    if (!authorized(request.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"')
      throw new GatewayError('unauthenticated', 'Send the metrics token as a bearer token', 401)
    }
    return reply.type(METRICS_CONTENT_TYPE).send(await app.metrics.exposition())
  })
}

export default metrics
