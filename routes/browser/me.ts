import type { FastifyPluginAsync } from 'fastify'
import { toProfile, type Profile } from '../../src/claims/profile.js'
import { errorResponses } from '../../src/schemas/index.js'
import type { SessionUser } from '../../src/sessions/types.js'

const me: FastifyPluginAsync = async (app) => {
  const { claims, eids, session: sessionSettings } = app.config
  const profileOptions = { claimsNamespace: claims.namespace, eidOptions: eids }
  // A session's user is replaced, never changed in place (src/sessions/types.ts),
  // so its profile is mapped once, not on every call: the memory store hands
  // back the same object until the next login or refresh.
  const profiles = new WeakMap<SessionUser, Profile>()

  function profileOf (user: SessionUser): Profile {
    let profile = profiles.get(user)
    if (profile === undefined) {
      // Signed claims only: the eid asked for at /login is no evidence of the eid used. The
      // login's assurance was assessed from them at the callback; older sessions have none.
      profile = toProfile(user.claims, user.assurance === undefined ? profileOptions : { ...profileOptions, assurance: user.assurance })
      profiles.set(user, profile)
    }
    return profile
  }

  /** When the session ends if the user does nothing more: the idle timer or the absolute end. */
  function sessionInfo (user: SessionUser): { sid: string, expiresAt: string, logoutUrl: string } {
    const idleEnd = Date.now() + sessionSettings.idleTimeoutSeconds * 1000
    return {
      sid: user.sid,
      expiresAt: new Date(Math.min(idleEnd, user.expiresAt)).toISOString(),
      logoutUrl: `/logout?sid=${encodeURIComponent(user.sid)}`
    }
  }

  app.get('/me', {
    schema: {
      summary: 'The signed-in person',
      description: 'For the frontend (fetch, with credentials). The profile from the session\'s verified claims, how the login authenticated the person (`assurance`: eIDAS level, acr, amr, auth_time), and the session\'s `sid`, end and logout link. Renews the access token first when it is about to expire; a session ended at the provider answers 401. The response schema is the allow-list: nothing else leaves.',
      tags: ['profile'],
      security: [{ sessionCookie: [] }],
      response: {
        200: { $ref: 'profile#', description: 'The profile' },
        ...errorResponses(['unauthenticated', 'session_store_unavailable'])
      }
    }
  }, async function readProfile (request, reply) {
    // Renewing here keeps the tokens alive and notices a session ended at the provider.
    const user = await request.freshUser({ tolerateProviderOutage: true })
    reply.header('cache-control', 'no-store')
    return { ...profileOf(user), session: sessionInfo(user) }
  })
}

export default me
