import type { Counts } from './counters.js'
import type { LoadResult } from './load.js'
import type { LoginRate } from './login.js'
import type { MemoryReport } from '../targets/memory.js'

/** A load run and what the server counted meanwhile. */
export interface LoadRun extends LoadResult {
  readonly counts: Counts
}

/** Everything one run measured; the table and the target checks are derived from it. */
export interface Measurements {
  bare: LoadRun[]
  meMemory: LoadRun
  meAnonymous: LoadRun
  meRedis: LoadRun
  expressOidc: LoadRun
  upstreamDirect: LoadRun
  apiThroughGateway: LoadRun
  loginsSequential: LoginRate
  loginsParallel: LoginRate
  cookie: { bytes: number, holdsToken: boolean, tokenCount: number }
  expressOidcCookieBytes: number
  sessionJsonBytes: number
  memory: MemoryReport
}
