import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Message } from './ipc.js'

const STARTUP_TIMEOUT_MS = 60_000
const REQUEST_TIMEOUT_MS = 600_000

export interface BenchChild {
  readonly name: string
  /** What the child said when it was ready: its URLs and so on. */
  readonly info: Record<string, unknown>
  /** Asks the child for something (`counters`, `reset`, a measurement) and waits for the answer. */
  ask<T = unknown>(type: string, fields?: Record<string, unknown>): Promise<T>
  stop(): Promise<void>
}

export interface StartOptions {
  /** Extra node flags, such as --expose-gc. */
  readonly execArgv?: string[]
  readonly env?: Record<string, string>
}

/**
 * Starts `bench/targets/<name>.ts` in a child process with tsx and waits for
 * its `ready`. With BENCH_CPU_PROF=<dir> every child writes V8 CPU profiles
 * to <dir>/<name>/ when it stops, one per thread (open them in Chrome
 * DevTools or speedscope).
 */
export async function startChild (name: string, args: Record<string, unknown> = {}, options: StartOptions = {}): Promise<BenchChild> {
  const file = fileURLToPath(new URL(`../targets/${name}.ts`, import.meta.url))
  const profileDir = process.env.BENCH_CPU_PROF
  const child = fork(file, [JSON.stringify(args)], {
    execArgv: ['--import', 'tsx', ...(profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', join(profileDir, name)]), ...(options.execArgv ?? [])],
    env: { ...process.env, FASTIFY_AUTOLOAD_TYPESCRIPT: '1', NODE_ENV: 'development', ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const info = await waitForReady(name, child)
  let nextId = 1
  const pending = new Map<number, { resolve: (value: unknown) => void, reject: (error: Error) => void }>()
  child.on('message', (message: Message) => {
    if (message.type !== 'reply' || message.id === undefined) return
    const waiter = pending.get(message.id)
    pending.delete(message.id)
    if (message.error !== undefined) waiter?.reject(new Error(`${name}: ${String(message.error)}`))
    else waiter?.resolve(message.value)
  })
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited with ${String(code)}`))
    pending.clear()
  })
  return {
    name,
    info,
    async ask<T>(type: string, fields: Record<string, unknown> = {}): Promise<T> {
      if (child.exitCode !== null) throw new Error(`${name} is not running`)
      const id = nextId++
      const answer = new Promise<unknown>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        setTimeout(() => reject(new Error(`${name} did not answer ${type}`)), REQUEST_TIMEOUT_MS).unref()
      })
      child.send({ id, type, ...fields })
      return await answer as T
    },
    async stop () {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.send({ type: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
}

async function waitForReady (name: string, child: ChildProcess): Promise<Record<string, unknown>> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${name} did not start within ${STARTUP_TIMEOUT_MS / 1000} s`))
    }, STARTUP_TIMEOUT_MS)
    const onMessage = (message: Message): void => {
      if (message.type !== 'ready' && message.type !== 'failed') return
      clearTimeout(timer)
      child.off('message', onMessage)
      if (message.type === 'failed') reject(new Error(`${name} failed to start: ${String(message.error)}`))
      else {
        const { type: _type, ...info } = message
        resolve(info)
      }
    }
    child.on('message', onMessage)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${String(code)} before it was ready`))
    })
  })
}
