/*
 * The peer relying party: Apache httpd 2.4 with mod_auth_openidc, signed in
 * against the same embedded provider, serving the session's claims from its
 * shared-memory session cache through the module's info hook. This process
 * only writes the config to a temporary directory, runs httpd in the
 * foreground as an unprivileged user, and reads the CPU time of the httpd
 * process that serves the requests from /proc.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../test/helpers/constants.js'
import {
  APACHE_BIN, APACHE_LOGIN_PATH, APACHE_ME_PATH, APACHE_MISSING, APACHE_SESSION_COOKIE, APACHE_THREADS, OPENIDC_MODULE, apacheConfig
} from '../lib/apache-config.js'
import type { Counts } from '../lib/counters.js'
import { childArgs, failStart, serveParent } from '../lib/ipc.js'
import { childPids, readProcessCpu } from '../lib/proc-cpu.js'

const START_TIMEOUT_MS = 15_000
const STOP_TIMEOUT_MS = 5_000
/** Debian's nobody/nogroup: httpd is started as this user when the suite runs as root. */
const UNPRIVILEGED_ID = 65534

/**
 * httpd's worker threads would spread over both cores, where each Node
 * server runs its JavaScript on one: pinned to the last core, httpd has one
 * core and the load generator the other, as the suite gives every server.
 */
const LAST_CPU = availableParallelism() > 1 ? availableParallelism() - 1 : undefined

export interface ApacheArgs {
  readonly port: number
  readonly issuer: string
  /** For comparing settings by hand; the suite runs the defaults. */
  readonly threads?: number
  readonly pinned?: boolean
}

const dir = mkdtempSync(join(tmpdir(), 'bench-apache-'))
let httpd: ReturnType<typeof spawn> | undefined
try {
  if (!existsSync(APACHE_BIN) || !existsSync(OPENIDC_MODULE)) throw new Error(APACHE_MISSING)
  const { port, issuer, threads = APACHE_THREADS, pinned = true } = childArgs<ApacheArgs>()
  const pinCpu = pinned ? LAST_CPU : undefined
  mkdirSync(join(dir, 'htdocs'))
  writeFileSync(join(dir, 'htdocs', APACHE_LOGIN_PATH.slice(1)), 'signed in\n')
  writeFileSync(join(dir, 'httpd.conf'), apacheConfig({
    dir,
    port,
    issuer,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    cryptoPassphrase: randomBytes(32).toString('base64url'),
    idleTimeoutSeconds: 1800,
    maxAgeSeconds: 28_800,
    logLevel: 'warn',
    threads
  }))
  const asRoot = process.getuid?.() === 0
  if (asRoot) for (const path of [dir, ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name))]) chownSync(path, UNPRIVILEGED_ID, UNPRIVILEGED_ID)
  let startupOutput = ''
  const httpdArgs = ['-d', dir, '-f', join(dir, 'httpd.conf'), '-DFOREGROUND']
  // taskset execs httpd in its own process: the pid stays httpd's.
  const started = spawn(pinCpu === undefined ? APACHE_BIN : 'taskset', pinCpu === undefined ? httpdArgs : ['--cpu-list', String(pinCpu), APACHE_BIN, ...httpdArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot ? { uid: UNPRIVILEGED_ID, gid: UNPRIVILEGED_ID } : {})
  })
  httpd = started
  for (const stream of [started.stdout, started.stderr]) stream.on('data', (chunk: Buffer) => { startupOutput += chunk.toString() })
  const serving = await waitUntilServing(started, port, () => startupOutput)

  let cpuAtReset = cpuOf(started.pid as number, serving)
  serveParent({
    url: `http://127.0.0.1:${port}`,
    cookieName: APACHE_SESSION_COOKIE,
    mePath: APACHE_ME_PATH,
    loginPath: APACHE_LOGIN_PATH,
    threads,
    pinnedCpu: pinCpu ?? null,
    servingPid: serving,
    // httpd counts no requests for the suite: it takes the load generator's answered count.
    countsRequests: false
  }, {
    reset: () => { cpuAtReset = cpuOf(started.pid as number, serving) },
    counters: (): Counts => {
      const now = cpuOf(started.pid as number, serving)
      return {
        crypto: {},
        requests: 0,
        store: {},
        profileStringifies: 0,
        cpuMicros: now.user + now.system - cpuAtReset.user - cpuAtReset.system,
        cpuSystemMicros: now.system - cpuAtReset.system
      }
    }
  }, stopHttpd)
} catch (error) {
  await stopHttpd()
  failStart(error)
}

/**
 * CPU time of the httpd parent and its one child (the parent only supervises;
 * the child serves every request). Fails if the child was replaced.
 */
function cpuOf (parent: number, serving: number): { user: number, system: number } {
  const children = childPids(parent)
  if (children.length !== 1 || children[0] !== serving) throw new Error(`httpd's serving process changed: ${serving} → ${children.join(', ')}`)
  const [a, b] = [readProcessCpu(parent), readProcessCpu(serving)]
  return { user: a.userMicros + b.userMicros, system: a.systemMicros + b.systemMicros }
}

async function waitUntilServing (started: ReturnType<typeof spawn>, port: number, output: () => string): Promise<number> {
  const deadline = Date.now() + START_TIMEOUT_MS
  const failure = (why: string): Error => {
    const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''
    return new Error(`httpd ${why}:\n${output()}${log}`.trimEnd())
  }
  while (Date.now() < deadline) {
    if (started.exitCode !== null || started.signalCode !== null) throw failure(`exited with ${String(started.exitCode ?? started.signalCode)}`)
    const children = started.pid === undefined ? [] : runningChildren(started.pid)
    if (children.length === 1 && await accepts(port)) return children[0] as number
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw failure(`was not serving on port ${port} within ${START_TIMEOUT_MS / 1000} s`)
}

/** The process may exit between two looks at it. */
function runningChildren (pid: number): number[] {
  try {
    return childPids(pid)
  } catch {
    return []
  }
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

/** SIGTERM stops httpd and its child at once; the temporary directory goes with it. */
async function stopHttpd (): Promise<void> {
  const running = httpd
  if (running !== undefined && running.exitCode === null && running.signalCode === null) {
    const exited = once(running, 'exit')
    running.kill('SIGTERM')
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }
  rmSync(dir, { recursive: true, force: true })
}
