import fp from 'fastify-plugin'
import { GatewayError } from '../src/errors.js'
import type { SessionUser } from '../src/sessions/types.js'

declare module 'fastify' {
  interface FastifyRequest { requireUser (): SessionUser }
}

export default fp(async (app) => {
  app.decorateRequest('requireUser', function requireUser () {
    const user = this.session?.user
    if (user === undefined || user.expiresAt <= Date.now()) {
      throw new GatewayError('unauthenticated', 'Sign in first', 401)
    }
    return user
  })
}, { name: 'auth', dependencies: ['session'] })
