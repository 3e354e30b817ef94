import type { Counts } from './counters.js'
import type { LoadResult } from './load.js'
import type { LoginRate } from './login.js'
import type { SinkCounts } from '../../test/helpers/otlp-sink.js'
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
  /** The same with tracing on, its spans exported over OTLP/HTTP to a sink on loopback that drops them. */
  meTraced: LoadRun
  /** What that sink received during the measured run. */
  tracedExport: SinkCounts
  /** GET /auth as nginx's auth_request asks it, signed in, memory store: forward auth next to /me. */
  authMemory: LoadRun
  meAnonymous: LoadRun
  meRedis: LoadRun
  expressOidc: LoadRun
  /** Apache httpd with mod_auth_openidc: its info hook's claims from the shm session cache. */
  apacheOidc: LoadRun | undefined
  /** Why the peer was not measured (httpd or the module not installed, in a full run). */
  apacheOidcMissing: string | undefined
  upstreamDirect: LoadRun
  /** The same upstream through bare Fastify and @fastify/reply-from: the floor of a Fastify proxy. */
  upstreamThroughBareProxy: LoadRun
  apiThroughGateway: LoadRun
  loginsSequential: LoginRate
  loginsParallel: LoginRate
  cookie: { bytes: number, holdsToken: boolean, tokenCount: number }
  expressOidcCookieBytes: number
  apacheOidcCookieBytes: number | undefined
  sessionJsonBytes: number
  memory: MemoryReport
}
