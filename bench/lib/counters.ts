import { subscribe } from 'node:diagnostics_channel'
import { createRequire, syncBuiltinESMExports } from 'node:module'

/**
 * Counts, inside a server process, the work the targets forbid per request:
 * synchronous crypto calls, the HTTP requests it answered, and session store
 * calls.
 * Call `countSyncCrypto()` before the gateway's modules load.
 */
export interface Counts {
  /** node:crypto calls that hash, sign or encrypt synchronously, by function. */
  crypto: Record<string, number>
  /** Requests that reached this process's servers. */
  requests: number
  store: Record<string, number>
  /** JSON.stringify calls given a whole /me profile: a route answering without its response schema. */
  profileStringifies: number
  /** CPU time this process used (user and system), in microseconds. */
  cpuMicros: number
  /** Of which in the kernel: socket reads and writes, loopback TCP, epoll, memory management. */
  cpuSystemMicros: number
}

const SYNC_CRYPTO = [
  'createHash', 'createHmac', 'createCipheriv', 'createDecipheriv', 'createSign', 'createVerify',
  'sign', 'verify', 'hash', 'hkdfSync', 'pbkdf2Sync', 'scryptSync', 'publicEncrypt', 'privateDecrypt'
]

const counts: Counts = { crypto: {}, requests: 0, store: {}, profileStringifies: 0, cpuMicros: 0, cpuSystemMicros: 0 }
let cpuAtReset = process.cpuUsage()

export function countSyncCrypto (): void {
  const crypto = createRequire(import.meta.url)('node:crypto') as Record<string, unknown>
  for (const name of SYNC_CRYPTO) {
    const original = crypto[name]
    if (typeof original !== 'function') continue
    crypto[name] = function counted (this: unknown, ...args: unknown[]) {
      counts.crypto[name] = (counts.crypto[name] ?? 0) + 1
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    }
  }
  // ESM `import { createHash } from 'node:crypto'` sees the counted functions too.
  syncBuiltinESMExports()
}

export function countProfileStringifies (): void {
  const original = JSON.stringify
  JSON.stringify = function counted (value: unknown, ...rest: unknown[]) {
    if (typeof value === 'object' && value !== null && 'sub' in value && 'session' in value) counts.profileStringifies++
    return (original as (...a: unknown[]) => string).call(JSON, value, ...rest)
  } as typeof JSON.stringify
}

/** Counts the requests this process's HTTP servers receive. */
export function countServerRequests (): void {
  subscribe('http.server.request.start', () => { counts.requests++ })
}

/** Wraps each method of `target` so that calls are counted under its name; a method it lacks is an error, not a count of 0. */
export function countCalls (target: object, methods: string[]): void {
  const object = target as Record<string, unknown>
  for (const name of methods) {
    const original = object[name]
    if (typeof original !== 'function') throw new Error(`no ${name} method to count on ${target.constructor.name}`)
    object[name] = function counted (this: unknown, ...args: unknown[]) {
      counts.store[name] = (counts.store[name] ?? 0) + 1
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    }
  }
}

export function resetCounts (): void {
  counts.crypto = {}
  counts.store = {}
  counts.requests = 0
  counts.profileStringifies = 0
  cpuAtReset = process.cpuUsage()
}

export function readCounts (): Counts {
  const cpu = process.cpuUsage(cpuAtReset)
  return { ...structuredClone(counts), cpuMicros: cpu.user + cpu.system, cpuSystemMicros: cpu.system }
}
