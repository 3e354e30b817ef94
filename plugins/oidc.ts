import fp from 'fastify-plugin'
import { createOidcClient, type OidcClient } from '../src/oidc/client.js'

declare module 'fastify' {
  interface FastifyInstance { oidc: OidcClient }
}

export default fp(async (app) => {
  const oidc = createOidcClient(app.config.oidc, app.log.child({ module: 'oidc' }), app.tracing)
  app.decorate('oidc', oidc)
  app.addHook('onClose', async () => oidc.close())
}, { name: 'oidc', dependencies: ['config', 'tracing'] })
