/*
 * What tracing costs GET /me (memory store): the gateway with tracing off and
 * with it on, exporting over OTLP/HTTP to a sink on loopback that drops the
 * spans, started afresh and measured in turns (off, on, on, off, …) so that
 * a machine that gets busier or quieter meanwhile weighs on both alike.
 *
 *   npm run bench:tracing [-- --rounds 4] [-- --seconds 8]
 *
 * Prints the server's CPU per request for each run and the medians.
 */
import { parseArgs } from 'node:util'
import { startOtlpSink } from '../test/helpers/otlp-sink.js'
import type { Counts } from './lib/counters.js'
import { measureLoad } from './lib/load.js'
import { signIn } from './lib/login.js'
import { startWithProvider } from './lib/with-provider.js'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '4' }, seconds: { type: 'string', default: '8' } } })
const rounds = Number(values.rounds)
const seconds = Number(values.seconds)
const sink = await startOtlpSink()
const cpu: Record<'off' | 'on', number[]> = { off: [], on: [] }

try {
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? ['off', 'on'] as const : ['on', 'off'] as const) {
      const otel = mode === 'on' ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.url } : undefined
      const { server, provider } = await startWithProvider('gateway', { store: 'memory', logLevel: 'warn', otel })
      try {
        if (server.info.tracing !== (mode === 'on')) throw new Error(`tracing is not ${mode}`)
        const url = String(server.info.url)
        const cookieName = String(server.info.cookieName)
        const options = { url: `${url}/me`, headers: { cookie: `${cookieName}=${await signIn(url, cookieName)}` }, expectStatus: 200, connections: 50 }
        await measureLoad({ ...options, seconds: 3, warmupSeconds: 0 })
        await server.ask('reset')
        sink.reset()
        const load = await measureLoad({ ...options, seconds, warmupSeconds: 0 })
        const counts = await server.ask<Counts>('counters')
        const micros = Math.round(counts.cpuMicros / Math.max(1, counts.requests))
        cpu[mode].push(micros)
        const exported = mode === 'on' ? `, ${sink.counts().exports} exports, ${Math.round(sink.counts().bytes / Math.max(1, counts.requests))} B per request` : ''
        console.log(`tracing ${mode}: ${load.requestsPerSecond} req/s, p99 ${load.p99Ms} ms, ${micros} µs CPU per request, ${load.unexpected} unexpected${exported}`)
        if (load.unexpected > 0 || (mode === 'on' && sink.counts().exports === 0)) process.exitCode = 1
      } finally {
        await server.stop()
        await provider.stop()
      }
    }
  }
  const median = (runs: number[]): number => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0
  console.log(`Node ${process.version}: off ${cpu.off.join(', ')} µs (median ${median(cpu.off)}), on ${cpu.on.join(', ')} µs (median ${median(cpu.on)})`)
} finally {
  await sink.close()
}
