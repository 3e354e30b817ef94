import t from 'tap'
import { Cluster, Redis } from 'ioredis'
import { keyedHash } from '../../src/security/keyed-hash.js'
import { SessionCipher } from '../../src/sessions/cipher.js'
import { RedisLocks } from '../../src/sessions/locks.js'
import { connectRedis, type RedisConnectionSettings } from '../../src/sessions/redis-connection.js'
import { RedisSessionStore } from '../../src/sessions/redis-store.js'
import { RedisReplayGuard } from '../../src/sessions/replay-guard.js'
import { signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack, TEST_SECRET, type Stack } from '../helpers/gateway.js'
import { redisForTest, REDIS_URL } from '../helpers/redis.js'
import { startRedisCluster, startRedisSentinel, startRedisServer } from '../helpers/redis-servers.js'
import { checkStoreContract, type Stores } from '../helpers/store-contract.js'
import { TestBrowser } from '../helpers/test-browser.js'

interface Topology {
  readonly url: URL
  readonly sentinels?: RedisConnectionSettings['sentinels']
  readonly clusterNodes?: RedisConnectionSettings['clusterNodes']
}

function storesFor (t: { teardown (fn: () => unknown): void }, topology: Topology, keyPrefix: string): Stores & { sessions: RedisSessionStore } {
  const redis = connectRedis({
    url: topology.url,
    sentinels: topology.sentinels,
    clusterNodes: topology.clusterNodes,
    keyPrefix,
    sentinelName: 'mymaster',
    sentinelPassword: undefined,
    commandTimeoutMs: 1000
  })
  t.teardown(() => redis.disconnect())
  const secrets = [TEST_SECRET]
  return {
    sessions: new RedisSessionStore({
      redis,
      cipher: new SessionCipher(secrets),
      sessionNames: keyedHash(secrets, 'session-keys'),
      indexNames: keyedHash(secrets, 'index-names'),
      idleTimeoutSeconds: 60,
      maxAgeSeconds: 3600
    }),
    replayGuard: new RedisReplayGuard(redis, keyedHash(secrets, 'one-time-values')),
    locks: new RedisLocks(redis, keyedHash(secrets, 'lock-names'))
  }
}

/** Retries until the connection is ready (Cluster and Sentinel discover their nodes first). */
async function ready<T extends Stores> (stores: T): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await stores.sessions.ping().then(() => true, () => false)) return stores
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the store never became ready')
}

async function logInAndReadMe (stack: Stack): Promise<number> {
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  const landed = await browser.get(callback.href)
  if (landed.status !== 302) return landed.status
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  return me.status
}

t.test('standalone Redis keeps the store contract', async (t) => {
  const { prefix } = await redisForTest(t)
  await checkStoreContract(t, async () => await ready(storesFor(t, { url: new URL(REDIS_URL) }, `${prefix}${Math.random()}:`)))
})

t.test('Redis Cluster: the store contract holds with keys spread over three primaries', async (t) => {
  const nodes = await startRedisCluster(t)
  const clusterNodes = nodes.map((node) => ({ host: '127.0.0.1', port: node.port }))
  await checkStoreContract(t, async () => await ready(storesFor(t, { url: new URL('redis://127.0.0.1'), clusterNodes }, `c${Math.random()}:`)))

  await t.test('keys really land on different primaries', async (t) => {
    const { sessions: store } = await ready(storesFor(t, { url: new URL('redis://127.0.0.1'), clusterNodes }, 'spread:'))
    const { sessionUser } = await import('../helpers/store-contract.js')
    for (let i = 0; i < 12; i++) await store.create(`id-${i}`, { user: sessionUser(`sub-${i}`, `sid-${i}`) }, 60)
    const counts = await Promise.all(nodes.map(async (node) => {
      const client = new Redis(node.port, '127.0.0.1')
      const count = (await client.keys('spread:*')).length
      client.disconnect()
      return count
    }))
    t.ok(counts.filter((count) => count > 0).length >= 2, `keys per primary: ${counts.join(', ')}`)
    t.equal(await store.destroyBySub('sub-3'), 1, 'an index and its session in different slots still work together')
  })

  await t.test('a gateway with REDIS_CLUSTER_NODES logs in and serves /me', async (t) => {
    const stack = await startStack(t, {
      env: { SESSION_STORE: 'redis', REDIS_CLUSTER_NODES: clusterNodes.map(({ host, port }) => `${host}:${port}`).join(','), REDIS_KEY_PREFIX: 'gw:' }
    })
    t.equal(await logInAndReadMe(stack), 200)
    const cluster = new Cluster(clusterNodes)
    t.teardown(() => cluster.disconnect())
    await new Promise((resolve) => cluster.once('ready', resolve))
    const sessionKeys = (await Promise.all(cluster.nodes('master').map(async (node) => await node.keys('gw:s:*')))).flat()
    t.equal(sessionKeys.length, 1, 'the session is in the cluster')
  })
})

t.test('Redis Sentinel: the store finds the primary through a sentinel', async (t) => {
  const primary = await startRedisServer(t)
  const sentinel = await startRedisSentinel(t, primary)
  const sentinels = [{ host: '127.0.0.1', port: sentinel.port }]
  await checkStoreContract(t, async () => await ready(storesFor(t, { url: new URL('redis://127.0.0.1'), sentinels }, `s${Math.random()}:`)))

  await t.test('a gateway with REDIS_SENTINELS logs in and serves /me', async (t) => {
    const stack = await startStack(t, {
      env: { SESSION_STORE: 'redis', REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`, REDIS_SENTINEL_NAME: 'mymaster', REDIS_KEY_PREFIX: 'gw:' }
    })
    t.equal(await logInAndReadMe(stack), 200)
    const direct = new Redis(primary.port, '127.0.0.1')
    t.teardown(() => direct.disconnect())
    t.equal((await direct.keys('gw:s:*')).length, 1, 'the session is on the primary the sentinel named')
  })
})
