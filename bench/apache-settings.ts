/*
 * How the mod_auth_openidc peer's thread count and core pinning change its
 * GET /me, for choosing the suite's settings (bench/README.md):
 *
 *   node --import tsx bench/apache-settings.ts [-- --threads 4,25,64 --seconds 5]
 *
 * Each setting gets its own httpd and provider, one login, a warm-up and
 * one measured run, pinned to one core and not.
 */
import { parseArgs } from 'node:util'
import { APACHE_LOGIN_PATH, APACHE_ME_PATH, APACHE_REDIRECT_PATH } from './lib/apache-config.js'
import { signInAtApache } from './lib/apache-login.js'
import type { Counts } from './lib/counters.js'
import { measureLoad } from './lib/load.js'
import { startWithProvider } from './lib/with-provider.js'

const { values } = parseArgs({ options: { threads: { type: 'string', default: '4,25,64' }, seconds: { type: 'string', default: '5' } } })
const seconds = Math.min(30, Number(values.seconds))
for (const threads of values.threads.split(',').map(Number)) {
  for (const pinned of [true, false]) {
    const { server, provider } = await startWithProvider('apache-oidc', { threads, pinned }, { redirectPath: APACHE_REDIRECT_PATH })
    try {
      const url = String(server.info.url)
      const cookieName = String(server.info.cookieName)
      const value = await signInAtApache(url, cookieName, { loginPath: APACHE_LOGIN_PATH, mePath: APACHE_ME_PATH })
      const options = { url: `${url}${APACHE_ME_PATH}`, headers: { cookie: `${cookieName}=${value}` }, expectStatus: 200, connections: 50 }
      await measureLoad({ ...options, seconds: 2, warmupSeconds: 0 })
      await Promise.all([server.ask('reset'), provider.ask('reset')])
      const load = await measureLoad({ ...options, seconds, warmupSeconds: 0 })
      const [counts, providerCounts] = await Promise.all([server.ask<Counts>('counters'), provider.ask<Counts>('counters')])
      const perRequest = (micros: number): number => Math.round(micros / Math.max(1, load.requests))
      console.log(`${String(threads).padStart(3)} threads, ${pinned ? 'one core ' : 'two cores'}: ${load.requestsPerSecond} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, ` +
        `${perRequest(counts.cpuMicros)} µs CPU per request (${perRequest(counts.cpuSystemMicros)} in kernel), ` +
        `${load.unexpected} unexpected, ${providerCounts.requests} provider requests`)
    } finally {
      await server.stop()
      await provider.stop()
    }
  }
}
