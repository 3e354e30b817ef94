import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import cookies, { Signer } from '@fastify/cookie'
import fastifySession from '@fastify/session'
import { GatewayError } from '../../src/errors.js'
import { HandoffSigner } from '../../src/sessions/cookie-signatures.js'
import { deviceOf } from '../../src/sessions/device.js'
import { sessionCookie } from '../../src/sessions/session-cookie.js'
import { SessionStoreAdapter } from '../../src/sessions/session-store-adapter.js'
import type { LoginTransaction, SessionUser } from '../../src/sessions/types.js'

declare module 'fastify' {
  interface Session {
    user?: SessionUser
    /** Logins in progress, keyed by state (src/sessions/pending-logins.ts). */
    logins?: Readonly<Record<string, LoginTransaction>>
    /** Epoch milliseconds when the store first held this session; unset while it is not in the store. */
    createdAt?: number
    /** The browser family it was signed in from, for the user's list of sessions. */
    device?: string
  }
  interface FastifyRequest {
    /**
     * What the browser's session cookie turned out to be: none sent, a live
     * session's, stale (forged, unknown or ended: clear it), signed with an
     * older secret (sign it again), or unknown because the store failed
     * (leave it: an outage must not sign anyone out).
     */
    sessionCookie: 'none' | 'live' | 'stale' | 'renew' | 'unavailable'
  }
}

/**
 * The browser routes' sessions: @fastify/session over our session store,
 * with one opaque cookie (`<id>.<HMAC>`, HttpOnly, SameSite=Lax, `__Host-`
 * over https) and the data server-side. Registered around these routes
 * only, so health checks, metrics and the service API never touch it.
 *
 * Around the library: the cookie is verified and its session loaded first
 * (one HMAC, one store read, handed to the library), so the library only
 * ever sees a cookie whose session exists; clearing and re-signing the
 * cookie happen here, with the attributes it was set with. No write for a
 * request that changed nothing (`saveUninitialized: false`, `rolling:
 * false`; reads slide the idle timer in the store).
 */
export default async function browserSessions (app: FastifyInstance): Promise<void> {
  const settings = app.config.session
  const cookie = sessionCookie(settings.secureCookie)
  const signer = new HandoffSigner(new Signer([...settings.secrets], 'sha256'))
  const store = new SessionStoreAdapter(app.sessionStore, settings.idleTimeoutSeconds)

  await app.register(cookies)
  app.decorateRequest('sessionCookie', 'none')

  app.addHook('onRequest', function loadSession (request, _reply, done) {
    const sent = request.cookies[cookie.name]
    if (sent === undefined) {
      done()
      return
    }
    const verified = signer.verify(sent)
    const id = verified.valid ? verified.value : null
    if (id === null) {
      forgetCookie(request)
      done()
      return
    }
    store.load(id).then((fields) => {
      if (fields === undefined) {
        forgetCookie(request)
      } else {
        // Signed with an older secret of the rotation list: from now on, with the current one.
        const signed = verified.renew ? signer.sign(id) : sent
        request.cookies[cookie.name] = signed
        request.sessionCookie = verified.renew ? 'renew' : 'live'
        signer.handOff(signed, { valid: true, renew: false, value: id })
        store.handOff(id, fields)
      }
      done()
    }, (error: unknown) => {
      request.sessionCookie = 'unavailable'
      done(error as Error)
    })
  })

  // Before the library's own: a session left with nothing in it is removed, not saved;
  // a new signed-in one notes the browser family it was signed in from.
  app.addHook('onSend', function prepareSession (request, _reply, payload, done) {
    const session = sessionOf(request)
    if (session?.user !== undefined && session.createdAt === undefined && session.device === undefined) {
      session.device = deviceOf(request.headers['user-agent'])
    }
    if (session === null || session.user !== undefined || Object.keys(session.logins ?? {}).length > 0) {
      done(null, payload)
      return
    }
    if (session.createdAt === undefined) {
      dropSession(request)
      done(null, payload)
      return
    }
    session.destroy().then(() => { done(null, payload) }, (error: unknown) => { done(error as Error) })
  })

  await app.register(fastifySession, {
    // Our fields are the session minus its cookie, which the library adds itself.
    store: store as unknown as fastifySession.SessionStore,
    secret: signer,
    cookieName: cookie.name,
    cookie: { ...cookie.attributes },
    saveUninitialized: false,
    rolling: false
  })

  app.addHook('onSend', function answerCookie (request, reply, payload, done) {
    settleCookie(request, reply)
    done(null, payload)
  })

  // A failing store: no second save on the way out, and the cookie stays as it is.
  app.addHook('onError', function keepSessionOnOutage (request, _reply, error, done) {
    if (error instanceof GatewayError && error.code === 'session_store_unavailable') {
      request.sessionCookie = 'unavailable'
      dropSession(request)
    }
    done()
  })

  function forgetCookie (request: FastifyRequest): void {
    // The library never sees it, so it neither looks it up again nor clears it its own way.
    delete request.cookies[cookie.name]
    request.sessionCookie = 'stale'
  }

  /** The browser's cookie after this answer: cleared when it is worth nothing, re-signed after a rotation. */
  function settleCookie (request: FastifyRequest, reply: FastifyReply): void {
    const state = request.sessionCookie
    if (state === 'none' || state === 'unavailable') return
    const session = sessionOf(request)
    // A saved session got its cookie from the library, with the same attributes,
    // unless the save found it ended meanwhile (a logout won the race).
    if (session?.isSaved() === true && session.createdAt !== undefined) return
    if (session === null || session.createdAt === undefined || state === 'stale') {
      reply.clearCookie(cookie.name, cookie.attributes)
    } else if (state === 'renew') {
      reply.setCookie(cookie.name, session.encryptedSessionId, cookie.attributes)
    }
  }
}

/** The request's session, or null once it was destroyed (logout) or dropped. */
function sessionOf (request: FastifyRequest): FastifyRequest['session'] | null {
  return (request.session as FastifyRequest['session'] | null | undefined) ?? null
}

function dropSession (request: FastifyRequest): void {
  (request as { session: unknown }).session = null
}
