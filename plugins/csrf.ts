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
  // A callback hook, not an async one: every request passes here, and most need no check.
  app.addHook('onRequest', (request, _reply, done) => {
    done(request.routeOptions.config.csrf === true ? csrfViolation(request.headers, ownOrigin) : undefined)
  })
}, { name: 'csrf', dependencies: ['config'] })
