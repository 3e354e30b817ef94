/*
 * Memory per signed-in session: copies of one real session (from a login
 * through the gateway) with their own strings, sid and sub, as separate
 * logins would have, put into the memory store and into Redis through the
 * stores the gateway uses. Run with --expose-gc.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { keyedHash } from '../../src/security/keyed-hash.js'
import { SessionCipher } from '../../src/sessions/cipher.js'
import { connectRedis } from '../../src/sessions/redis-connection.js'
import { MemorySessionStore } from '../../src/sessions/memory-store.js'
import { RedisSessionStore } from '../../src/sessions/redis-store.js'
import type { SessionStore } from '../../src/sessions/store.js'
import type { SessionData } from '../../src/sessions/types.js'
import { TEST_SECRET } from '../../test/helpers/constants.js'
import { childArgs, failStart, serveParent } from '../lib/ipc.js'

export interface MemoryArgs {
  readonly sessionJson: string
  /** Session counts to weigh at, ascending; the last is also the memory store's bound. */
  readonly counts: number[]
  readonly redisUrl: string
}

export interface MemoryPoint { sessions: number, heapBytesPerSession: number, rssBytesPerSession: number, rssGrowthBytes: number }
export interface RedisPoint { sessions: number, bytesPerSession: number, usedMemoryGrowthBytes: number }
export interface MemoryReport {
  memory: MemoryPoint[]
  redis: RedisPoint[]
  /** After inserting 10 % more sessions than the bound. */
  bound: { maxEntries: number, inserted: number, held: number }
}

const IDLE_SECONDS = 1800
const PARALLEL_WRITES = 64
const gc = globalThis.gc as (() => void) | undefined

try {
  if (gc === undefined) throw new Error('run with --expose-gc')
  const args = childArgs<MemoryArgs>()
  serveParent({}, { measure: async () => await measure(args, gc) }, async () => {})
} catch (error) {
  failStart(error)
}

async function measure (args: MemoryArgs, collect: () => void): Promise<MemoryReport> {
  const template = JSON.parse(args.sessionJson) as SessionData
  if (template.user === undefined) throw new Error('the session has no user')
  const copy = (i: number): SessionData => {
    const data = JSON.parse(args.sessionJson) as SessionData
    const user = data.user as NonNullable<SessionData['user']>
    return { ...data, user: { ...user, sid: `${user.sid}-${i}`, sub: `${user.sub}-${i}` } }
  }
  const maxEntries = args.counts[args.counts.length - 1] as number

  const memory: MemoryPoint[] = []
  let store: MemorySessionStore | undefined = new MemorySessionStore({ maxEntries })
  collect()
  const heapBefore = process.memoryUsage().heapUsed
  const rssBefore = process.memoryUsage().rss
  let inserted = 0
  for (const target of args.counts) {
    inserted = await fill(store, copy, inserted, target)
    collect()
    const usage = process.memoryUsage()
    memory.push({
      sessions: store.size,
      heapBytesPerSession: Math.round((usage.heapUsed - heapBefore) / store.size),
      rssBytesPerSession: Math.round((usage.rss - rssBefore) / store.size),
      rssGrowthBytes: usage.rss - rssBefore
    })
  }
  inserted = await fill(store, copy, inserted, Math.round(maxEntries * 1.1))
  const bound = { maxEntries, inserted, held: store.size }
  await store.close()
  store = undefined
  collect()

  const redis = await weighRedis(args, copy)
  return { memory, redis, bound }
}

async function weighRedis (args: MemoryArgs, copy: (i: number) => SessionData): Promise<RedisPoint[]> {
  const url = new URL(args.redisUrl)
  const admin = new Redis(args.redisUrl)
  const connection = connectRedis({
    url,
    keyPrefix: `bench-memory:${randomBytes(4).toString('hex')}:`,
    sentinels: undefined,
    sentinelName: 'mymaster',
    sentinelPassword: undefined,
    clusterNodes: undefined,
    commandTimeoutMs: 10_000
  })
  const store = new RedisSessionStore({
    redis: connection,
    cipher: new SessionCipher([TEST_SECRET]),
    sessionNames: keyedHash([TEST_SECRET], 'session-keys'),
    indexNames: keyedHash([TEST_SECRET], 'index-names'),
    idleTimeoutSeconds: IDLE_SECONDS,
    maxAgeSeconds: 28_800
  })
  try {
    await connected(store)
    const before = await usedMemory(admin)
    const points: RedisPoint[] = []
    let inserted = 0
    for (const target of args.counts) {
      inserted = await fill(store, copy, inserted, target)
      const growth = await usedMemory(admin) - before
      points.push({ sessions: target, bytesPerSession: Math.round(growth / target), usedMemoryGrowthBytes: growth })
    }
    return points
  } finally {
    // The benchmark's own redis-server: nothing else lives there.
    await admin.flushdb()
    admin.disconnect()
    connection.disconnect()
  }
}

async function fill (store: SessionStore, copy: (i: number) => SessionData, from: number, to: number): Promise<number> {
  let next = from
  const worker = async (): Promise<void> => {
    while (next < to) {
      const i = next++
      await store.create(randomBytes(24).toString('base64url'), copy(i), IDLE_SECONDS).catch((error: Error) => {
        throw new Error(`writing session ${i}: ${error.message} (${String((error.cause as Error | undefined)?.message)})`)
      })
    }
  }
  await Promise.all(Array.from({ length: PARALLEL_WRITES }, worker))
  return to
}

/** The store refuses commands until its connection is up (no offline queue, as in the gateway). */
async function connected (store: RedisSessionStore): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      return await store.ping()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

async function usedMemory (redis: Redis): Promise<number> {
  const info = await redis.info('memory')
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN)
}
