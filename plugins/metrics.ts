import fp from 'fastify-plugin'
import { GatewayMetrics } from '../src/metrics.js'

declare module 'fastify' {
  interface FastifyInstance { metrics: GatewayMetrics }
  interface FastifyContextConfig {
    /** The upstream a proxy route relays to (a name from UPSTREAMS), for its latency histogram. */
    upstream?: string
  }
}

/**
 * Counts every answer by route pattern, and the events routes report
 * (plugins/events.ts): logins, logouts and back-channel logouts, failures
 * by the error handler's code (`request.errorCode`). Session gauges come
 * from the store's counts when it keeps them (plugins/stores.ts).
 */
export default fp(async (app) => {
  const counts = app.sessionCounts
  const metrics = new GatewayMetrics(counts === undefined
    ? {}
    : { activeSessions: () => counts.size, pendingLogins: () => counts.pendingLoginCount })
  app.decorate('metrics', metrics)
  app.events.subscribe((event) => { metrics.count(event) })

  app.addHook('onResponse', function countResponse (request, reply, done) {
    // The url is undefined when no route matched: one label for every unknown URL.
    const { url: route, config } = request.routeOptions
    const seconds = reply.elapsedTime / 1000
    metrics.observeRequest({ method: request.method, route, statusCode: reply.statusCode, seconds })
    const upstream = config.upstream
    // Answers the gateway gave itself (no session, no X-CSRF) never reached the upstream.
    if (upstream !== undefined && request.errorCode === undefined) {
      metrics.observeUpstream(upstream, reply.statusCode, seconds)
    }
    done()
  })
}, { name: 'metrics', dependencies: ['stores', 'errors', 'events'] })
