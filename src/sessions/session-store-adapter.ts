import { LOGIN_TTL_SECONDS } from './pending-logins.js'
import { sessionUserOf } from './session-user.js'
import { storeCall } from './store-errors.js'
import { isLive, sessionTtlSeconds, type SessionsById } from './store.js'
import type { SessionData } from './types.js'

/**
 * The fields a request's session carries, as @fastify/session hands them to
 * its store; `createdAt` is set exactly while the session is in the store.
 */
export type SessionFields = SessionData

type Callback = (error?: unknown) => void
type LoadCallback = (error: unknown, fields?: SessionFields | null) => void

/**
 * Our session store behind @fastify/session's callback interface. A
 * session is created in the store when it first holds something (a login
 * begun or finished) and only updated afterwards, never recreated: a request
 * that outlived a logout writes nothing. Reads are done ahead of the library
 * by `load` (see routes/browser/autohooks.ts), which hands the result to the
 * library's `get` on the same tick: one store read per request.
 */
export class SessionStoreAdapter {
  readonly #store: SessionsById
  readonly #idleTimeoutSeconds: number
  #handedOff: { readonly id: string, readonly fields: SessionFields } | undefined

  constructor (store: SessionsById, idleTimeoutSeconds: number) {
    this.#store = store
    this.#idleTimeoutSeconds = idleTimeoutSeconds
  }

  /**
   * The live session with this id, or undefined: none, or one past its
   * absolute end (removed then). A failing store throws a 503 GatewayError.
   */
  async load (id: string): Promise<SessionFields | undefined> {
    const data = await storeCall(() => this.#store.get(id))
    if (data === undefined) return undefined
    if (data.user !== undefined && !isLive(data.user)) {
      await storeCall(() => this.#store.destroy(id))
      return undefined
    }
    return {
      ...data,
      ...(data.user === undefined ? {} : { user: sessionUserOf(data.user) }),
      // Written before sessions recorded their creation: in the store all the same.
      createdAt: data.createdAt ?? data.user?.signedInAt ?? Date.now()
    }
  }

  /** What `get` answers for `id` next, without asking the store again. */
  handOff (id: string, fields: SessionFields): void {
    this.#handedOff = { id, fields }
  }

  get (id: string, callback: LoadCallback): void {
    const handedOff = this.#handedOff
    this.#handedOff = undefined
    if (handedOff?.id === id) {
      callback(null, handedOff.fields)
      return
    }
    this.load(id).then((fields) => { callback(null, fields ?? null) }, callback)
  }

  /**
   * Writes what the session holds: a new one is created, a stored one
   * updated. A session that holds nothing, or that the store no longer has
   * (ended meanwhile), is not written, and loses its `createdAt`: it is not
   * in the store.
   */
  set (id: string, session: SessionFields, callback: Callback): void {
    const data: SessionData = dataOf(session)
    const stored = session.createdAt !== undefined
    let write: Promise<boolean>
    if (data.user === undefined && data.logins === undefined) {
      write = stored ? storeCall(() => this.#store.destroy(id)).then(() => false) : Promise.resolve(false)
    } else {
      const ttl = sessionTtlSeconds(data, this.#idleTimeoutSeconds, LOGIN_TTL_SECONDS)
      const createdAt = session.createdAt ?? Date.now()
      const fields = { ...data, createdAt }
      write = stored
        ? storeCall(() => this.#store.update(id, fields, ttl))
        : storeCall(() => this.#store.create(id, fields, ttl)).then(() => true)
      write = write.then((written) => {
        if (written) session.createdAt = createdAt
        return written
      })
    }
    write.then((written) => {
      if (!written) delete session.createdAt
      callback()
    }, callback)
  }

  destroy (id: string, callback: Callback): void {
    storeCall(() => this.#store.destroy(id)).then(() => { callback() }, callback)
  }
}

/** The typed keys that are set: what the store keeps (an empty login map is none). */
function dataOf (session: SessionFields): Omit<SessionData, 'createdAt'> {
  const data: SessionData = {}
  if (session.logins !== undefined && Object.keys(session.logins).length > 0) data.logins = session.logins
  if (session.user !== undefined) data.user = session.user
  if (session.device !== undefined) data.device = session.device
  return data
}
