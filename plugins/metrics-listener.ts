import fp from 'fastify-plugin'
import { createMetricsServer } from '../src/metrics-server.js'
import { bearerTokenCheck } from '../src/security/bearer-token.js'

/**
 * With METRICS_PORT, `/metrics` moves to a listener of its own (routes/metrics.ts
 * then registers nothing on the main one), started when the app is ready and
 * closed with it. A port that cannot be bound stops the start.
 */
export default fp(async (app) => {
  const listener = app.config.metricsListener
  if (listener === undefined) return
  const token = app.config.metricsToken
  const log = app.log.child({ module: 'metrics' })
  const server = createMetricsServer({
    host: listener.host,
    port: listener.port,
    exposition: async () => await app.metrics.exposition(),
    authorized: token === undefined ? () => true : bearerTokenCheck(token),
    onError: (error) => log.error({ errorName: error.name }, 'metrics scrape failed')
  })
  app.addHook('onReady', async () => {
    const address = await server.listen()
    log.info({ host: address.address, port: address.port }, 'metrics listening')
  })
  app.addHook('onClose', async () => { await server.close() })
}, { name: 'metrics-listener', dependencies: ['config', 'metrics'] })
