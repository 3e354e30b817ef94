import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { SessionCookieSigner } from '../src/sessions/cookie-signer.js'
import { GatewaySession, loadSession } from '../src/sessions/gateway-session.js'
import { sessionCookie } from '../src/sessions/session-cookie.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Undefined only after the session store failed during this request. */
    session: GatewaySession
    /** The session id the request's cookie carried, verified; undefined without a valid cookie. */
    sessionCookieId: string | undefined
    /** That cookie was signed with an older secret: send it again, signed with the current one. */
    sessionCookieRenew: boolean
  }
  // Routes that never read the session (health checks) skip loading it, so a
  // failing session store cannot fail them.
  interface FastifyContextConfig { skipSession?: boolean }
}

/**
 * Sessions on @fastify/cookie and the session store: one opaque cookie
 * (`<id>.<HMAC>`, HttpOnly, SameSite=Lax), the data server-side. A session is
 * written only when a route assigned to it, and the cookie is sent only for a
 * new id (or to re-sign it after a secret rotation): no write, no signature
 * and no cookie on a request that changed nothing.
 */
export default fp(async (app) => {
  const store = app.sessionStore
  const settings = app.config.session
  const { idleTimeoutSeconds, secureCookie } = settings
  const signer = new SessionCookieSigner(settings.secrets)
  const { name: cookieName, attributes } = sessionCookie(secureCookie)

  await app.register(cookie)
  app.decorateRequest('session', null as unknown as GatewaySession)
  app.decorateRequest('sessionCookieId', undefined)
  app.decorateRequest('sessionCookieRenew', false)

  // After the cookie parser's own onRequest hook.
  app.addHook('onRequest', (request, _reply, done) => {
    const raw = request.routeOptions.config.skipSession === true ? undefined : request.cookies[cookieName]
    const unsigned = raw === undefined ? undefined : signer.unsign(raw)
    if (unsigned?.valid !== true || unsigned.value === null) {
      request.session = new GatewaySession(store)
      done()
      return
    }
    request.sessionCookieId = unsigned.value
    request.sessionCookieRenew = unsigned.renew
    loadSession(store, unsigned.value).then((session) => {
      request.session = session
      done()
    }, done)
  })

  app.addHook('onSend', (request, reply, payload, done) => {
    const session = request.session as GatewaySession | undefined
    if (session === undefined || session === null) {
      done(null, payload)
      return
    }
    if (session.destroyed || !session.modified) {
      answerCookie(request, reply, session)
      done(null, payload)
      return
    }
    // A Secure cookie would never come back over plain http: keep nothing rather than an unreachable session.
    if (secureCookie && request.protocol !== 'https') {
      done(null, payload)
      return
    }
    session.save(idleTimeoutSeconds).then(() => {
      answerCookie(request, reply, session)
      done(null, payload)
    }, (error: unknown) => { done(error as Error) })
  })

  /** The cookie the browser should hold now: the session's id, or none. */
  function answerCookie (request: FastifyRequest, reply: FastifyReply, session: GatewaySession): void {
    if (request.routeOptions.config.skipSession === true) return
    if (!session.stored) {
      // Ended, emptied, unknown or invalid: the browser's cookie is worth nothing.
      if (request.cookies[cookieName] !== undefined) reply.clearCookie(cookieName, attributes)
      return
    }
    if (session.sessionId !== request.sessionCookieId || request.sessionCookieRenew) {
      reply.setCookie(cookieName, signer.sign(session.sessionId), attributes)
    }
  }
}, { name: 'session', dependencies: ['config', 'stores'] })
