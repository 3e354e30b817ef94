import type { Counts } from './counters.js'
import type { LoadRun, Measurements } from './measurements.js'
import type { Mode } from './modes.js'
import { percent, type Row } from './report.js'

/** The cookie's signature; @fastify/session's change detection hashes (SHA-256) are counted apart. */
const HMACS_PER_ME = 1
/** /auth may cost what /me costs: its pairwise id is worked out once per session user, not per request. */
const HMACS_PER_AUTH = HMACS_PER_ME
const MEMORY_STORE_MAX_BYTES = 4096
const COOKIE_MAX_BYTES = 120
/** GET /me, memory store, as a share of bare Fastify's req/s in the same run. */
const ME_OVER_BARE = 0.4
/** The gateway's GET /me over the peers' in req/s: mod_auth_openidc (memory and Redis store) and express-openid-connect. */
const OVER_APACHE_MEMORY = 2
const OVER_APACHE_REDIS = 1.2
const OVER_EXPRESS = 8
/** /api through the gateway as a share of the same upstream through a bare Fastify + @fastify/reply-from proxy. */
const API_OVER_BARE_PROXY = 0.9

/** Synchronous node:crypto calls per request the server answered, of the named functions only, or all. */
export function cryptoPerRequest (counts: Counts, only?: readonly string[]): number {
  const calls = Object.entries(counts.crypto)
    .filter(([name]) => only === undefined || only.includes(name))
    .reduce((sum, [, count]) => sum + count, 0)
  return round(calls / Math.max(1, counts.requests), 2)
}

export function storeWritesPerRequest (counts: Counts): number {
  const writes = (counts.store.create ?? 0) + (counts.store.update ?? 0) + (counts.store.destroy ?? 0)
  return round(writes / Math.max(1, counts.requests), 3)
}

/** The server process's CPU time (user and system) per request it answered, in microseconds. */
export function cpuMicrosPerRequest (counts: Counts): number {
  return Math.round(counts.cpuMicros / Math.max(1, counts.requests))
}

/** The kernel's part of it. */
export function kernelMicrosPerRequest (counts: Counts): number {
  return Math.round(counts.cpuSystemMicros / Math.max(1, counts.requests))
}

function round (value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits
}

/** The table rows, each with its target check where the issue sets one. */
export function toRows (m: Measurements): Row[] {
  const bare = m.bare.reduce((sum, run) => sum + run.requestsPerSecond, 0) / m.bare.length
  const vsBare = (rps: number): number => rps / bare
  const load = (scenario: string, run: LoadRun, target?: Row['target']): Row => ({
    scenario,
    value: run.requestsPerSecond,
    unit: 'req/s',
    vsBare: vsBare(run.requestsPerSecond),
    p99Ms: run.p99Ms,
    cpuMicrosPerRequest: cpuMicrosPerRequest(run.counts),
    kernelMicrosPerRequest: kernelMicrosPerRequest(run.counts),
    ...(target === undefined ? {} : { target })
  })
  const overExpress = m.meMemory.requestsPerSecond / m.expressOidc.requestsPerSecond
  const authOverMe = m.authMemory.requestsPerSecond / m.meMemory.requestsPerSecond
  const proxyShare = m.apiThroughGateway.requestsPerSecond / m.upstreamDirect.requestsPerSecond
  const bareProxyShare = m.upstreamThroughBareProxy.requestsPerSecond / m.upstreamDirect.requestsPerSecond
  const overBareProxy = m.apiThroughGateway.requestsPerSecond / m.upstreamThroughBareProxy.requestsPerSecond
  const last = <T>(points: T[]): T => points[points.length - 1] as T
  const memoryAtMost = last(m.memory.memory)
  const rows: Row[] = [
    ...m.bare.map((run, i) => load(`bare Fastify GET /me, fixed JSON (run ${i + 1} of ${m.bare.length})`, run)),
    load('GET /me, memory store', m.meMemory, {
      text: `≥ ${percent(ME_OVER_BARE)}`,
      pass: vsBare(m.meMemory.requestsPerSecond) >= ME_OVER_BARE
    }),
    load('GET /me, memory store, tracing on (OTLP/HTTP to a loopback sink)', m.meTraced, {
      text: `tracing's cost: ${tracingCost(m)}`,
      pass: undefined
    }),
    { scenario: 'tracing on: OTLP bytes exported per GET /me', value: Math.round(m.tracedExport.bytes / Math.max(1, m.meTraced.counts.requests)), unit: 'B', note: m.tracedExport.exports === 0 ? 'nothing exported' : undefined },
    load('GET /auth (forward auth, nginx\'s headers), memory store', m.authMemory, {
      text: `as cheap as GET /me: ${percent(authOverMe)} of its req/s, ${cpuMicrosPerRequest(m.authMemory.counts)} µs vs ${cpuMicrosPerRequest(m.meMemory.counts)} µs CPU`,
      pass: cpuMicrosPerRequest(m.authMemory.counts) <= cpuMicrosPerRequest(m.meMemory.counts) * 1.1
    }),
    load('GET /me, Redis store', m.meRedis),
    load('GET /me without a session (401)', m.meAnonymous),
    load('express-openid-connect GET /me', m.expressOidc, { text: `gateway ≥ ${OVER_EXPRESS}×: ${overExpress.toFixed(1)}×`, pass: overExpress >= OVER_EXPRESS }),
    ...apacheRows(m, load),
    load('upstream called directly', m.upstreamDirect),
    load('upstream through bare Fastify + @fastify/reply-from', m.upstreamThroughBareProxy, { text: `${percent(bareProxyShare)} of direct`, pass: undefined }),
    load('/api/up/items through the gateway', m.apiThroughGateway, { text: `≥ ${percent(API_OVER_BARE_PROXY)} of the bare proxy: ${percent(overBareProxy)} (${percent(proxyShare)} of direct)`, pass: overBareProxy >= API_OVER_BARE_PROXY }),
    { scenario: 'complete logins, one at a time', value: m.loginsSequential.loginsPerSecond, unit: 'logins/s', vsBare: vsBare(m.loginsSequential.loginsPerSecond), p99Ms: m.loginsSequential.p99Ms },
    { scenario: `complete logins, ${m.loginsParallel.parallel} in parallel`, value: m.loginsParallel.loginsPerSecond, unit: 'logins/s', vsBare: vsBare(m.loginsParallel.loginsPerSecond), p99Ms: m.loginsParallel.p99Ms },
    { scenario: 'session cookie (name=value)', value: m.cookie.bytes, unit: 'B', target: { text: `≤ ${COOKIE_MAX_BYTES} B, no token`, pass: m.cookie.bytes <= COOKIE_MAX_BYTES && !m.cookie.holdsToken } },
    { scenario: 'express-openid-connect session cookie', value: m.expressOidcCookieBytes, unit: 'B' },
    ...(m.apacheOidcCookieBytes === undefined ? [] : [{ scenario: 'mod_auth_openidc session cookie', value: m.apacheOidcCookieBytes, unit: 'B' }]),
    ...m.memory.memory.map((point) => ({
      scenario: `memory store, heap per session at ${point.sessions.toLocaleString('en-US')}`,
      value: point.heapBytesPerSession,
      unit: 'B',
      ...(point === memoryAtMost ? { target: { text: `≤ ${MEMORY_STORE_MAX_BYTES} B with tokens`, pass: point.heapBytesPerSession <= MEMORY_STORE_MAX_BYTES } } : {})
    })),
    ...m.memory.memory.map((point) => ({ scenario: `memory store, RSS growth per session at ${point.sessions.toLocaleString('en-US')}`, value: point.rssBytesPerSession, unit: 'B' })),
    ...m.memory.redis.map((point) => ({ scenario: `Redis, used_memory per session at ${point.sessions.toLocaleString('en-US')}`, value: point.bytesPerSession, unit: 'B' })),
    {
      scenario: `memory store bound: ${m.memory.bound.inserted.toLocaleString('en-US')} sessions into ${m.memory.bound.maxEntries.toLocaleString('en-US')}`,
      value: m.memory.bound.held,
      unit: 'held',
      target: { text: '≤ SESSION_MAX_ENTRIES', pass: m.memory.bound.held <= m.memory.bound.maxEntries }
    },
    { scenario: 'per GET /me: provider requests (discovery, JWKS)', value: m.meMemory.providerRequests, unit: '', target: { text: '0', pass: m.meMemory.providerRequests === 0 && m.meRedis.providerRequests === 0 } },
    ...(m.apacheOidc === undefined ? [] : [{ scenario: 'per mod_auth_openidc GET /me: provider requests', value: m.apacheOidc.providerRequests, unit: '', target: { text: '0', pass: m.apacheOidc.providerRequests === 0 } }]),
    { scenario: 'per GET /me: HMACs', value: cryptoPerRequest(m.meMemory.counts, ['createHmac']), unit: '', target: { text: `≤ ${HMACS_PER_ME} (the cookie signature)`, pass: cryptoPerRequest(m.meMemory.counts, ['createHmac']) <= HMACS_PER_ME } },
    { scenario: 'per GET /me: SHA-256 of the session (change detection)', value: cryptoPerRequest(m.meMemory.counts, ['createHash']), unit: '' },
    { scenario: 'per GET /me: synchronous crypto calls, all', value: cryptoPerRequest(m.meMemory.counts), unit: '' },
    { scenario: 'per GET /me, Redis: synchronous crypto calls', value: cryptoPerRequest(m.meRedis.counts), unit: '' },
    { scenario: 'per GET /me: session writes', value: storeWritesPerRequest(m.meMemory.counts), unit: '', target: { text: '0 (unchanged session)', pass: storeWritesPerRequest(m.meMemory.counts) === 0 && storeWritesPerRequest(m.meRedis.counts) === 0 } },
    { scenario: 'per 401: synchronous crypto calls', value: cryptoPerRequest(m.meAnonymous.counts), unit: '' },
    { scenario: 'per GET /auth: provider requests', value: m.authMemory.providerRequests, unit: '', target: { text: '0', pass: m.authMemory.providerRequests === 0 } },
    { scenario: 'per GET /auth: HMACs', value: cryptoPerRequest(m.authMemory.counts, ['createHmac']), unit: '', target: { text: `≤ ${HMACS_PER_AUTH} (the cookie signature; the pairwise id is cached)`, pass: cryptoPerRequest(m.authMemory.counts, ['createHmac']) <= HMACS_PER_AUTH } },
    { scenario: 'per GET /auth: synchronous crypto calls, all', value: cryptoPerRequest(m.authMemory.counts), unit: '' },
    { scenario: 'per GET /auth: session writes', value: storeWritesPerRequest(m.authMemory.counts), unit: '', target: { text: '0', pass: storeWritesPerRequest(m.authMemory.counts) === 0 } },
    { scenario: 'per GET /me: profile serialised without its schema', value: m.meMemory.counts.profileStringifies, unit: '', target: { text: '0', pass: m.meMemory.counts.profileStringifies === 0 } }
  ]
  return rows
}

/** CPU per request with tracing on over the same /me with it off, measured one after the other. */
function tracingCost (m: Measurements): string {
  const off = cpuMicrosPerRequest(m.meMemory.counts)
  const on = cpuMicrosPerRequest(m.meTraced.counts)
  return `${on - off >= 0 ? '+' : ''}${on - off} µs CPU per request over tracing off (${percent(on / Math.max(1, off))} of it), ${m.tracedExport.exports} exports`
}

/**
 * The peer relying party's row and the gateway's ratios over it: req/s for
 * the target, as for express-openid-connect, with the ratio of CPU per
 * request beside it (steadier on a busy machine).
 */
function apacheRows (m: Measurements, load: (scenario: string, run: LoadRun, target?: Row['target']) => Row): Row[] {
  const scenario = 'mod_auth_openidc GET /me'
  const apache = m.apacheOidc
  if (apache === undefined) return [{ scenario, value: 0, unit: 'req/s', note: 'not measured: not installed' }]
  const ratio = (gateway: LoadRun, store: string, least: number): Row => {
    const overRate = gateway.requestsPerSecond / apache.requestsPerSecond
    const overCpu = cpuMicrosPerRequest(apache.counts) / Math.max(1, cpuMicrosPerRequest(gateway.counts))
    return {
      scenario: `gateway GET /me, ${store} store, over mod_auth_openidc`,
      value: round(overRate, 2),
      unit: '×',
      target: { text: `≥ ${least}×: ${overRate.toFixed(2)}× req/s (${overCpu.toFixed(2)}× less CPU per request)`, pass: overRate >= least }
    }
  }
  return [load(scenario, apache), ratio(m.meMemory, 'memory', OVER_APACHE_MEMORY), ratio(m.meRedis, 'Redis', OVER_APACHE_REDIS)]
}

/** What makes a run fail (non-zero exit) whatever the timings: something broke, or a security property does not hold. */
export function breakages (m: Measurements, mode: Mode): string[] {
  const found: string[] = []
  if (m.apacheOidcMissing !== undefined && mode.peerRequired) found.push(m.apacheOidcMissing)
  const loads = { bare: m.bare[0], 'bare (again)': m.bare[1], 'GET /me memory': m.meMemory, 'GET /me memory, tracing on': m.meTraced, 'GET /auth memory': m.authMemory, 'GET /me Redis': m.meRedis, 'GET /me 401': m.meAnonymous, 'express-openid-connect': m.expressOidc, mod_auth_openidc: m.apacheOidc, 'upstream direct': m.upstreamDirect, 'bare proxy': m.upstreamThroughBareProxy, '/api through the gateway': m.apiThroughGateway }
  for (const [name, run] of Object.entries(loads)) {
    if (run === undefined) continue
    if (run.requests === 0) found.push(`${name}: no answers`)
    if (run.unexpected > 0) found.push(`${name}: ${run.unexpected} unexpected answers or errors (${JSON.stringify(run.statuses)})`)
  }
  for (const [name, rate] of Object.entries({ 'sequential logins': m.loginsSequential, 'parallel logins': m.loginsParallel })) {
    if (rate.failures > 0 || rate.logins === 0) found.push(`${name}: ${rate.failures} failed, ${rate.logins} completed`)
  }
  if (m.tracedExport.exports === 0) found.push('tracing on: no span reached the OTLP sink')
  for (const leak of m.tracedExport.found) found.push(`tracing on: an exported span holds the ${leak}`)
  if (m.cookie.holdsToken) found.push('the session cookie holds a piece of a token')
  if (m.cookie.tokenCount === 0) found.push('the stored session has no tokens: the cookie check proved nothing')
  if (m.memory.bound.held > m.memory.bound.maxEntries) found.push('the memory store holds more sessions than its bound')
  if (m.meMemory.providerRequests > 0 || m.meRedis.providerRequests > 0) found.push('GET /me made the gateway call the provider')
  if (m.authMemory.providerRequests > 0) found.push('GET /auth made the gateway call the provider')
  if (storeWritesPerRequest(m.authMemory.counts) > 0) found.push('GET /auth wrote to the session store')
  // The peer must answer from its session cache too, or the comparison measures its provider calls.
  if ((m.apacheOidc?.providerRequests ?? 0) > 0) found.push('mod_auth_openidc\'s GET /me called the provider')
  return found
}
