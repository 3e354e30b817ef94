import fp from 'fastify-plugin'
import { csrfViolation } from '../src/security/csrf.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Calls that act with the session cookie must prove they come from our own frontend. */
    csrf?: boolean
  }
}

/** Routes with `config: { csrf: true }` refuse forged cross-site requests before any session is read. */
export default fp(async (app) => {
  const ownOrigin = app.config.baseUrl.origin
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.csrf !== true) return
    const violation = csrfViolation(request.headers, ownOrigin)
    if (violation !== undefined) throw violation
  })
}, { name: 'csrf', dependencies: ['config'] })
