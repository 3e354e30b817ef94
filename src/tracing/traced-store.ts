import type { SessionStore, SubjectSession } from '../sessions/store.js'
import type { SessionData } from '../sessions/types.js'
import type { SpanAttributes, SpanKindName, Tracing } from './types.js'

export type StoreBackend = 'memory' | 'redis'

/**
 * A session store whose every call that reads or writes sessions is a span
 * (`session_store.get`, `session_store.create`…), wrapped around whichever
 * store plugins/stores.ts chose, so no store knows about tracing. The spans
 * name the operation and the backend only: a session id is the browser's
 * credential, and a sid, sub or handle names a person.
 */
export class TracedSessionStore implements SessionStore {
  readonly #store: SessionStore
  readonly #tracing: Tracing
  readonly #kind: SpanKindName
  readonly #attributes: SpanAttributes

  constructor (store: SessionStore, tracing: Tracing, backend: StoreBackend) {
    this.#store = store
    this.#tracing = tracing
    // Redis is a call to another process; the memory store is work in this one.
    this.#kind = backend === 'redis' ? 'client' : 'internal'
    this.#attributes = backend === 'redis' ? { 'bff.session_store': backend, 'db.system.name': 'redis' } : { 'bff.session_store': backend }
  }

  async get (id: string): Promise<SessionData | undefined> {
    return await this.#traced('get', async () => await this.#store.get(id))
  }

  async create (id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    await this.#traced('create', async () => { await this.#store.create(id, data, ttlSeconds) })
  }

  async update (id: string, data: SessionData, ttlSeconds: number): Promise<boolean> {
    return await this.#traced('update', async () => await this.#store.update(id, data, ttlSeconds))
  }

  async destroy (id: string): Promise<void> {
    await this.#traced('destroy', async () => { await this.#store.destroy(id) })
  }

  async destroyBySid (sid: string): Promise<number> {
    return await this.#traced('destroy_by_sid', async () => await this.#store.destroyBySid(sid))
  }

  async destroyBySub (sub: string): Promise<number> {
    return await this.#traced('destroy_by_sub', async () => await this.#store.destroyBySub(sub))
  }

  async sessionsOfSub (sub: string): Promise<SubjectSession[]> {
    return await this.#traced('sessions_of_sub', async () => await this.#store.sessionsOfSub(sub))
  }

  handleOf (id: string): string {
    return this.#store.handleOf(id)
  }

  async destroyByHandle (sub: string, handle: string): Promise<boolean> {
    return await this.#traced('destroy_by_handle', async () => await this.#store.destroyByHandle(sub, handle))
  }

  // Readiness probes ping every few seconds, outside any request span: not traced.
  async ping (): Promise<void> {
    await this.#store.ping()
  }

  async close (): Promise<void> {
    await this.#store.close()
  }

  async #traced<T> (operation: string, work: () => Promise<T>): Promise<T> {
    return await this.#tracing.inSpan(`session_store.${operation}`, this.#kind, { ...this.#attributes, 'db.operation.name': operation }, work)
  }
}
