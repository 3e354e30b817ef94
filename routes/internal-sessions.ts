import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { GatewayError } from '../src/errors.js'
import { insufficientScope, type ServiceSubject } from '../src/security/service-scopes.js'
import { subjectHash } from '../src/security/subject-hash.js'
import { endedSessionsSchema, errorResponses, SESSIONS_ADMIN_SCOPE, subjectParamsSchema, subjectSessionParamsSchema, subjectSessionsSchema } from '../src/schemas/index.js'

type AdminAction = 'list' | 'end_one' | 'end_all'

/** The fields every audit line of the session API carries: who asked, about whom (a hash), for what. */
interface AdminAudit { readonly audit: 'sessions_admin', readonly caller: string, readonly subHash: string | undefined, readonly action: AdminAction }

const SERVICE_ERRORS = ['unauthenticated', 'invalid_token', 'insufficient_scope', 'rate_limited', 'provider_unavailable', 'session_store_unavailable', 'provider_timeout'] as const

/**
 * Session administration for services inside the platform: list a
 * subject's sessions and end one or all of them, on every instance sharing
 * the store. A client-credentials token for INTERNAL_AUDIENCE with the
 * `sessions:admin` scope; every call is audited (caller, a hash of the
 * subject, what was done), never a claim, token or session id.
 */
const internalSessions: FastifyPluginAsync = async (app) => {
  const audience = app.config.internalApi.audience
  if (audience === undefined) return
  const common = { tags: ['internal'], security: [{ serviceToken: [SESSIONS_ADMIN_SCOPE] }] }

  /**
   * The person the administering service names, and the fields of the
   * call's audit line; 404 for a name that is nobody to it. A refusal of a
   * valid token is audited like a success.
   */
  async function adminOf (request: FastifyRequest, id: string, action: AdminAction): Promise<{ person: ServiceSubject, audit: AdminAudit }> {
    const caller = await request.serviceCaller(audience as string)
    const person = request.serviceSubject(caller, id)
    const audit: AdminAudit = { audit: 'sessions_admin', caller: caller.clientId, subHash: person === undefined ? undefined : subjectHash(person.sub), action }
    if (!caller.scopes.includes(SESSIONS_ADMIN_SCOPE)) {
      request.log.info({ ...audit, outcome: 'insufficient_scope' }, 'sessions admin')
      throw insufficientScope([SESSIONS_ADMIN_SCOPE])
    }
    if (person === undefined) {
      request.log.info({ ...audit, outcome: 'not_found' }, 'sessions admin')
      throw new GatewayError('not_found', 'No such user', 404)
    }
    return { person, audit }
  }

  app.get<{ Params: { sub: string } }>('/internal/users/:sub/sessions', {
    schema: {
      ...common,
      summary: 'A user\'s sessions, for a service',
      description: `Lists the subject's live sessions: when each was created and last used, its eID and level, the browser family. No token, no claim, no session id: a \`handle\` names each. Needs the \`${SESSIONS_ADMIN_SCOPE}\` scope.`,
      params: subjectParamsSchema,
      response: { 200: subjectSessionsSchema, ...errorResponses([...SERVICE_ERRORS, 'not_found']) }
    }
  }, async function listSessions (request, reply) {
    reply.header('cache-control', 'no-store')
    const { person, audit } = await adminOf(request, request.params.sub, 'list')
    const sessions = await app.sessionsOf(person.sub)
    request.log.info({ ...audit, count: sessions.length }, 'sessions admin')
    return { sessions }
  })

  app.delete<{ Params: { sub: string, handle: string } }>('/internal/users/:sub/sessions/:handle', {
    schema: {
      ...common,
      summary: 'End one of a user\'s sessions',
      description: `Ends the session with this handle (as listed) on every instance. Needs the \`${SESSIONS_ADMIN_SCOPE}\` scope.`,
      params: subjectSessionParamsSchema,
      response: { 204: { type: 'null', description: 'Ended' }, ...errorResponses([...SERVICE_ERRORS, 'not_found']) }
    }
  }, async function endSession (request, reply) {
    reply.header('cache-control', 'no-store')
    const { person, audit } = await adminOf(request, request.params.sub, 'end_one')
    const ended = await app.sessionStore.destroyByHandle(person.sub, request.params.handle)
    request.log.info({ ...audit, outcome: ended ? 'ended' : 'not_found' }, 'sessions admin')
    if (!ended) throw new GatewayError('not_found', 'This user has no live session with that handle', 404)
    return reply.code(204).send()
  })

  app.delete<{ Params: { sub: string } }>('/internal/users/:sub/sessions', {
    schema: {
      ...common,
      summary: 'End all of a user\'s sessions',
      description: `Ends every session of the subject on every instance, as a back-channel logout naming the \`sub\` does. Needs the \`${SESSIONS_ADMIN_SCOPE}\` scope.`,
      params: subjectParamsSchema,
      response: { 200: endedSessionsSchema, ...errorResponses([...SERVICE_ERRORS, 'not_found']) }
    }
  }, async function endAllSessions (request, reply) {
    reply.header('cache-control', 'no-store')
    const { person, audit } = await adminOf(request, request.params.sub, 'end_all')
    const ended = await app.sessionStore.destroyBySub(person.sub)
    request.log.info({ ...audit, count: ended }, 'sessions admin')
    return { ended }
  })
}

export default internalSessions
