import { subscribe } from 'node:diagnostics_channel'
import type { Server } from 'node:http'
import { createRequire, syncBuiltinESMExports } from 'node:module'

/**
 * Counts, inside a server process, the work the targets forbid per request:
 * synchronous crypto calls, HTTP requests reaching other servers of the
 * process (the embedded provider: discovery, JWKS) and session store calls.
 * Call `countSyncCrypto()` before the gateway's modules load.
 */
export interface Counts {
  /** node:crypto calls that hash, sign or encrypt synchronously, by function. */
  crypto: Record<string, number>
  /** Requests that reached the gateway's own server. */
  gatewayRequests: number
  /** Requests that reached any other server in this process (the provider). */
  otherServerRequests: number
  store: Record<string, number>
  /** JSON.stringify calls given a whole /me profile: a route answering without its response schema. */
  profileStringifies: number
  /** CPU time this process used (user and system), in microseconds. */
  cpuMicros: number
}

const SYNC_CRYPTO = [
  'createHash', 'createHmac', 'createCipheriv', 'createDecipheriv', 'createSign', 'createVerify',
  'sign', 'verify', 'hash', 'hkdfSync', 'pbkdf2Sync', 'scryptSync', 'publicEncrypt', 'privateDecrypt'
]

const counts: Counts = { crypto: {}, gatewayRequests: 0, otherServerRequests: 0, store: {}, profileStringifies: 0, cpuMicros: 0 }
let cpuAtReset = process.cpuUsage()
let gatewayServer: Server | undefined

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

/** Counts requests to `gateway` apart from those to other servers; without one, every request counts as the gateway's. */
export function countServerRequests (gateway?: Server): void {
  gatewayServer = gateway
  subscribe('http.server.request.start', (message) => {
    if (gatewayServer === undefined || (message as { server: Server }).server === gatewayServer) counts.gatewayRequests++
    else counts.otherServerRequests++
  })
}

/** Wraps each method of `target` so that calls are counted under its name. */
export function countCalls (target: object, methods: string[]): void {
  const object = target as Record<string, unknown>
  for (const name of methods) {
    const original = object[name]
    if (typeof original !== 'function') continue
    object[name] = function counted (this: unknown, ...args: unknown[]) {
      counts.store[name] = (counts.store[name] ?? 0) + 1
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    }
  }
}

export function resetCounts (): void {
  counts.crypto = {}
  counts.store = {}
  counts.gatewayRequests = 0
  counts.otherServerRequests = 0
  counts.profileStringifies = 0
  cpuAtReset = process.cpuUsage()
}

export function readCounts (): Counts {
  const cpu = process.cpuUsage(cpuAtReset)
  return { ...structuredClone(counts), cpuMicros: cpu.user + cpu.system }
}
