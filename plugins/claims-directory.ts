import fp from 'fastify-plugin'
import { ClaimsDirectory } from '../src/claims/directory.js'

declare module 'fastify' {
  interface FastifyInstance { claimsDirectory: ClaimsDirectory }
}

export default fp(async (app) => {
  const { claims, internalApi, oidc } = app.config
  app.decorate('claimsDirectory', new ClaimsDirectory({
    sessions: app.sessionStore,
    enabled: internalApi.audience !== undefined,
    ttlSeconds: internalApi.claimsTtlSeconds,
    profile: { claimsNamespace: claims.namespace, eidConnections: oidc.eidConnections }
  }))
}, { name: 'claims-directory', dependencies: ['config', 'stores'] })
