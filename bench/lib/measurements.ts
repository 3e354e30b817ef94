import type { Counts } from './counters.js'
import type { LoadResult } from './load.js'
import type { LoginRate } from './login.js'
import type { MemoryReport } from '../targets/memory.js'

/** A load run and what the server counted meanwhile. */
export interface LoadRun extends LoadResult {
  readonly counts: Counts
  /** Requests that reached the server's provider during the run (discovery, JWKS, tokens). */
  readonly providerRequests: number
}

/** Everything one run measured; the table and the target checks are derived from it. */
export interface Measurements {
  bare: LoadRun[]
  meMemory: LoadRun
  meAnonymous: LoadRun
  meRedis: LoadRun
  expressOidc: LoadRun
  upstreamDirect: LoadRun
  /** The same upstream through bare Fastify and @fastify/reply-from: the floor of a Fastify proxy. */
  upstreamThroughBareProxy: LoadRun
  apiThroughGateway: LoadRun
  loginsSequential: LoginRate
  loginsParallel: LoginRate
  cookie: { bytes: number, holdsToken: boolean, tokenCount: number }
  expressOidcCookieBytes: number
  sessionJsonBytes: number
  memory: MemoryReport
}
