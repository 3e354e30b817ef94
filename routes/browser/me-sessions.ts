import type { FastifyPluginAsync } from 'fastify'
import { GatewayError } from '../../src/errors.js'
import { errorResponses, ownSessionsSchema, sessionHandleParamsSchema } from '../../src/schemas/index.js'

/**
 * `/me/sessions`: the signed-in person sees their other sessions (a phone, a
 * laptop) and ends one. Calls with the cookie that act, and this list, which
 * tells where someone is signed in, need the `X-CSRF: 1` header.
 */
const meSessions: FastifyPluginAsync = async (app) => {
  const common = { tags: ['profile'], security: [{ sessionCookie: [], csrfHeader: [] }] }

  app.get('/me/sessions', {
    config: { csrf: true },
    schema: {
      ...common,
      summary: 'My sessions',
      description: 'The signed-in person\'s live sessions, newest first: when each was created and last used, its eID and level, the browser family; `current` marks this one. No token, no id. Needs `X-CSRF: 1`.',
      response: { 200: ownSessionsSchema, ...errorResponses(['unauthenticated', 'csrf_required', 'cross_site_request', 'session_store_unavailable']) }
    }
  }, async function listOwnSessions (request, reply) {
    reply.header('cache-control', 'no-store')
    const user = request.requireUser()
    const current = app.sessionStore.handleOf(request.session.sessionId)
    const sessions = (await app.sessionsOf(user.sub)).map((session) => ({ ...session, current: session.handle === current }))
    return { sessions }
  })

  app.delete<{ Params: { handle: string } }>('/me/sessions/:handle', {
    config: { csrf: true },
    schema: {
      ...common,
      summary: 'End one of my sessions',
      description: 'Ends one of the signed-in person\'s sessions, on every instance; ending the current one signs this browser out here (not at the provider: that is `/logout`). Needs `X-CSRF: 1`.',
      params: sessionHandleParamsSchema,
      response: { 204: { type: 'null', description: 'Ended' }, ...errorResponses(['unauthenticated', 'not_found', 'csrf_required', 'cross_site_request', 'session_store_unavailable']) }
    }
  }, async function endOwnSession (request, reply) {
    reply.header('cache-control', 'no-store')
    const user = request.requireUser()
    const { handle } = request.params
    if (handle === app.sessionStore.handleOf(request.session.sessionId)) {
      await request.session.destroy()
    } else if (!await app.sessionStore.destroyByHandle(user.sub, handle)) {
      throw new GatewayError('not_found', 'You have no live session with that handle', 404)
    }
    return reply.code(204).send()
  })
}

export default meSessions
