import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { freePort } from './free-port.js'

/**
 * The suite's own redis-server on a free loopback port, keeping nothing on
 * disk, ended with the test process; TEST_REDIS_URL points at another one.
 */
async function startRedis (): Promise<string> {
  if (process.env.TEST_REDIS_URL !== undefined) return process.env.TEST_REDIS_URL
  const port = await freePort()
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  let spawned = true
  server.once('error', () => { spawned = false })
  process.once('exit', () => server.kill('SIGKILL'))
  server.unref()
  const url = `redis://127.0.0.1:${port}`
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 })
  probe.on('error', () => {})
  let up = false
  for (let attempt = 0; attempt < 100 && spawned && !up; attempt++) {
    up = await probe.ping().then(() => true, () => false)
    if (!up) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  probe.disconnect()
  // No redis-server binary here: use the machine's Redis on the standard port.
  return up ? url : 'redis://127.0.0.1:6379'
}

export const REDIS_URL = await startRedis()

interface Teardown { teardown (fn: () => unknown): void }

/** A key prefix of its own for one test, and a plain client to look at (and clean) what the gateway wrote. */
export async function redisForTest (t: Teardown): Promise<{ prefix: string, redis: Redis, dump (): Promise<string> }> {
  const prefix = `bff-test:${randomBytes(6).toString('hex')}:`
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })
  async function dump (): Promise<string> {
    const keys = await redis.keys(`${prefix}*`)
    const parts: string[] = []
    for (const key of keys) {
      const type = await redis.type(key)
      const value = type === 'string' ? await redis.get(key) : (await redis.zrange(key, '0', '-1')).join(',')
      parts.push(`${key}=${value ?? ''}`)
    }
    return parts.join('\n')
  }
  return { prefix, redis, dump }
}
