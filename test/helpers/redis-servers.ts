import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { freePort } from './free-port.js'

interface Teardown { teardown (fn: () => unknown): void }

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Stops the server the way an operator would (SIGTERM: it saves what it keeps on disk). */
  stop (): Promise<void>
  /** Starts it again on the same port and data directory. */
  start (): Promise<void>
}

/**
 * A redis-server of the test's own on a free loopback port, in its own
 * directory, stopped at teardown. `args` adds server options, such as
 * `--appendonly yes` or `--cluster-enabled yes`.
 */
export async function startRedisServer (t: Teardown, args: string[] = [], configFile?: string): Promise<RedisServer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'bff-redis-'))
  let child: ChildProcess | undefined
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start () {
      const fileArgs = configFile === undefined ? [] : [writeConfig(dir, configFile)]
      child = spawn('redis-server', [...fileArgs, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args], { stdio: 'ignore' })
      const exited = new Promise<never>((_resolve, reject) => {
        child?.once('error', reject)
        child?.once('exit', (code) => reject(new Error(`redis-server on ${port} exited with ${String(code)}`)))
      })
      exited.catch(() => {})
      await Promise.race([waitForPing(port), exited])
    },
    async stop () {
      const running = child
      if (running === undefined || running.exitCode !== null) return
      child = undefined
      await new Promise((resolve) => { running.once('exit', resolve); running.kill('SIGTERM') })
    }
  }
  t.teardown(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  await server.start()
  return server
}

/** Three primaries sharing the 16384 slots, joined into one Redis Cluster. */
export async function startRedisCluster (t: Teardown): Promise<RedisServer[]> {
  const nodes = await Promise.all([0, 1, 2].map(async () => await startRedisServer(t, ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'])))
  const clients = nodes.map((node) => new Redis(node.port, '127.0.0.1'))
  try {
    const ranges = [[0, 5460], [5461, 10922], [10923, 16383]]
    await Promise.all(clients.map(async (client, i) => await client.call('CLUSTER', 'ADDSLOTSRANGE', ...(ranges[i] as number[]).map(String))))
    for (const node of nodes.slice(1)) await clients[0]?.call('CLUSTER', 'MEET', '127.0.0.1', String(node.port))
    await waitFor(async () => {
      const states = await Promise.all(clients.map(async (client) => String(await client.call('CLUSTER', 'INFO'))))
      return states.every((info) => info.includes('cluster_state:ok') && info.includes('cluster_known_nodes:3'))
    }, 'the cluster to form')
  } finally {
    for (const client of clients) client.disconnect()
  }
  return nodes
}

/** One Sentinel watching `primary` under the name `mymaster`. */
export async function startRedisSentinel (t: Teardown, primary: RedisServer): Promise<RedisServer> {
  const sentinel = await startRedisServer(t, ['--sentinel'], [
    `sentinel monitor mymaster 127.0.0.1 ${primary.port} 1`,
    'sentinel down-after-milliseconds mymaster 2000'
  ].join('\n'))
  const client = new Redis(sentinel.port, '127.0.0.1')
  try {
    await waitFor(async () => {
      const address = await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster') as string[] | null
      return address?.[1] === String(primary.port)
    }, 'the sentinel to know its primary')
  } finally {
    client.disconnect()
  }
  return sentinel
}

function writeConfig (dir: string, text: string): string {
  // Sentinel rewrites its configuration file, so it must be a writable file of its own.
  const file = join(dir, 'redis.conf')
  writeFileSync(file, `${text}\n`)
  return file
}

async function waitForPing (port: number): Promise<void> {
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 })
  probe.on('error', () => {})
  try {
    await waitFor(async () => await probe.ping().then(() => true, () => false), `redis-server on ${port}`)
  } finally {
    probe.disconnect()
  }
}

async function waitFor (check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}
