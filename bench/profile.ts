/*
 * A CPU profile of the gateway serving GET /me from the memory store:
 *
 *   npm run bench:profile [-- --store redis] [-- --seconds 20] [-- --path /api/up/items] [-- --tracing]
 *
 * Starts the gateway child with --cpu-prof, signs in, loads /me with
 * autocannon, stops the child (which writes the profile) and prints where the
 * server's time went, by function and by package. The .cpuprofile file stays
 * in bench/results/profiles/ for Chrome DevTools or speedscope. With
 * --tracing, the gateway traces and exports its spans over OTLP/HTTP to a
 * sink on loopback that drops them.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startRedisServer } from '../test/helpers/redis-servers.js'
import { summarizeProfile } from './lib/cpu-profile.js'
import { measureLoad } from './lib/load.js'
import { signIn } from './lib/login.js'
import { startOtlpSink } from '../test/helpers/otlp-sink.js'
import { startChild } from './lib/processes.js'
import { startWithProvider } from './lib/with-provider.js'

const { values } = parseArgs({ options: { store: { type: 'string', default: 'memory' }, seconds: { type: 'string', default: '15' }, path: { type: 'string', default: '/me' }, anonymous: { type: 'boolean', default: false }, tracing: { type: 'boolean', default: false } } })
const dir = fileURLToPath(new URL(`results/profiles/${Date.now()}`, import.meta.url))
mkdirSync(dir, { recursive: true })
process.env.BENCH_CPU_PROF = dir

const teardowns: Array<() => unknown> = []
try {
  const redis = values.store === 'redis' ? await startRedisServer({ teardown: (fn) => teardowns.push(fn) }) : undefined
  // /api/up/… goes through the proxy to a bare upstream of its own.
  const upstream = values.path.startsWith('/api/up') ? await startChild('plain') : undefined
  if (upstream !== undefined) teardowns.push(() => upstream.stop())
  const upstreamUrl = upstream === undefined ? undefined : String(upstream.info.upstreamUrl)
  const sink = values.tracing === true ? await startOtlpSink() : undefined
  if (sink !== undefined) teardowns.push(() => sink.close())
  const otel = sink === undefined ? undefined : { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.url }
  const { server: gateway, provider } = await startWithProvider('gateway', { store: values.store, redisUrl: redis?.url, upstreamUrl, otel })
  teardowns.push(() => provider.stop())
  const url = String(gateway.info.url)
  const cookieName = String(gateway.info.cookieName)
  const headers: Record<string, string> = values.anonymous === true ? {} : { cookie: `${cookieName}=${await signIn(url, cookieName)}`, 'x-csrf': '1' }
  const result = await measureLoad({ url: `${url}${values.path}`, headers, expectStatus: values.anonymous === true ? 401 : 200, connections: 50, seconds: Number(values.seconds), warmupSeconds: 2 })
  await gateway.stop()
  console.log(`${values.path} (${values.store} store${values.anonymous === true ? ', no session' : ''}${sink === undefined ? '' : `, tracing on: ${sink.counts().exports} exports`}): ${result.requestsPerSecond} req/s, p99 ${result.p99Ms} ms, ${result.unexpected} unexpected`)
  // One profile per thread; the main thread's is the big one (the other is tsx's loader).
  const profiles = readdirSync(join(dir, 'gateway')).map((name) => join(dir, 'gateway', name))
  const file = profiles.sort((a, b) => statSync(b).size - statSync(a).size)[0] as string
  const summary = summarizeProfile(file)
  console.log('\nSelf time by package or directory:')
  for (const place of summary.places.slice(0, 15)) console.log(`  ${(place.share * 100).toFixed(1).padStart(5)} %  ${place.where}`)
  console.log('\nSelf time by function:')
  for (const fn of summary.functions) console.log(`  ${(fn.share * 100).toFixed(1).padStart(5)} %  ${fn.name}  ${fn.where}`)
  console.log(`\nProfile: ${file}`)
} finally {
  for (const teardown of teardowns.reverse()) await teardown()
}
