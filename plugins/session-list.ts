import fp from 'fastify-plugin'
import { toProfile } from '../src/claims/profile.js'
import { byLastSeen, listedSession, type ListedSession, type SessionFacts } from '../src/sessions/session-list.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** A subject's live sessions as lists show them, newest first (the service API, `/me/sessions`). */
    sessionsOf (sub: string): Promise<ListedSession[]>
  }
}

export default fp(async (app) => {
  const { claims, oidc } = app.config
  const profileOptions = { claimsNamespace: claims.namespace, eidConnections: oidc.eidConnections }
  const facts: SessionFacts = {
    eidOf: (user) => user.assurance?.eid ?? toProfile(user.claims, profileOptions).eid,
    levelOf: (user) => user.assurance?.level
  }
  app.decorate('sessionsOf', async function sessionsOf (sub: string): Promise<ListedSession[]> {
    return (await app.sessionStore.sessionsOfSub(sub)).map((session) => listedSession(session, facts)).sort(byLastSeen)
  })
}, { name: 'session-list', dependencies: ['config', 'stores'] })
