/*
 * Bytes one signed-in session takes, in Redis and in the memory store.
 *
 *   npm run bench:session-size          (Redis at REDIS_URL, default 127.0.0.1:6379)
 *
 * Logs Chris in through the embedded provider, then reads what Redis holds
 * (MEMORY USAGE per key) and fills a memory store with copies of the same
 * session to weigh it on the heap.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { SessionCipher } from '../src/sessions/cipher.js'
import { MemorySessionStore } from '../src/sessions/memory-store.js'
import type { SessionData } from '../src/sessions/types.js'
import { signInAtDevIdp } from '../test/helpers/dev-idp-login.js'
import { startStack, TEST_SECRET } from '../test/helpers/gateway.js'
import { TestBrowser } from '../test/helpers/test-browser.js'

const COPIES = 20_000
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const gc = globalThis.gc
if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench:session-size does)')

const teardowns: Array<() => unknown> = []
const prefix = `bff-bench:${randomBytes(4).toString('hex')}:`
const redis = new Redis(redisUrl)
try {
  const stack = await startStack({ teardown: (fn) => teardowns.push(fn) }, {
    env: { SESSION_STORE: 'redis', REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'warn' }
  })
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  await browser.get((await signInAtDevIdp(browser, login.location as string, 'chris')).href)
  if ((await browser.get(`${stack.gatewayUrl}/me`)).status !== 200) throw new Error('the login did not work')

  console.log('Redis (one signed-in session, itsme claims, access, ID and refresh tokens):')
  let total = 0
  let session: { id: string, value: string } | undefined
  for (const key of (await redis.keys(`${prefix}*`)).sort()) {
    const bytes = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'))
    const kind = key.slice(prefix.length).split(':')[0] as string
    const type = await redis.type(key)
    if (kind === 's') session = { id: key.slice(`${prefix}s:`.length), value: await redis.get(key) ?? '' }
    const size = type === 'string' ? `${await redis.strlen(key)} B value` : `${await redis.zcard(key)} member(s)`
    console.log(`  ${kind.padEnd(4)} ${type.padEnd(7)} ${size.padEnd(16)} MEMORY USAGE ${bytes} B`)
    total += bytes
  }
  console.log(`  total: ${total} B per session`)
  if (session === undefined) throw new Error('no session key in Redis')

  const data = new SessionCipher([TEST_SECRET]).decrypt(session.id, session.value.slice(session.value.indexOf('.') + 1)) as SessionData
  const json = JSON.stringify(data)
  console.log(`\nThe session as JSON: ${Buffer.byteLength(json)} B (encrypted and base64url-encoded in Redis: ${session.value.length} B)`)

  // Copies with their own strings, as separate logins would have.
  const store = new MemorySessionStore({ maxEntries: COPIES })
  gc()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < COPIES; i++) {
    const copy = JSON.parse(json.replaceAll(data.user?.sid ?? '', `${i}-${data.user?.sid ?? ''}`.slice(0, 64))) as SessionData
    await store.create(`${randomBytes(24).toString('base64url')}`, copy, 1800)
  }
  gc()
  const perSession = (process.memoryUsage().heapUsed - before) / store.size
  console.log(`Memory store: ${Math.round(perSession)} B of heap per session (${store.size} sessions, with LRU entry and sid/sub indexes)`)
} finally {
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
  for (const fn of teardowns.reverse()) await fn()
}
