/*
 * The benchmark suite: npm run bench (full) or npm run bench:short (CI smoke).
 * Starts what it needs on loopback (a redis-server, the gateway, a bare
 * Fastify yardstick, an upstream, express-openid-connect and Apache httpd with
 * mod_auth_openidc for comparison, and an embedded provider for each
 * signed-in server), each in a child process,
 * and drives them with autocannon from this one. Prints a table, writes
 * bench/results/latest.json, and exits non-zero only when something broke;
 * targets missed are reported, not failed (timings on shared machines are noisy).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CHRIS_PROFILE } from '../test/helpers/constants.js'
import { freePort } from '../test/helpers/free-port.js'
import { startRedisServer } from '../test/helpers/redis-servers.js'
import { APACHE_BIN, APACHE_LOGIN_PATH, APACHE_ME_PATH, APACHE_MISSING, APACHE_REDIRECT_PATH, OPENIDC_MODULE } from './lib/apache-config.js'
import { signInAtApache } from './lib/apache-login.js'
import { measureLoad } from './lib/load.js'
import type { Counts } from './lib/counters.js'
import { measureLogins, signIn } from './lib/login.js'
import type { LoadRun, Measurements } from './lib/measurements.js'
import { FULL, SHORT } from './lib/modes.js'
import { startOtlpSink } from '../test/helpers/otlp-sink.js'
import { startChild, type BenchChild } from './lib/processes.js'
import { startWithProvider, type SignedInTarget, type WithProviderOptions } from './lib/with-provider.js'
import { renderTable, writeJson } from './lib/report.js'
import { breakages, toRows } from './lib/targets.js'
import type { MemoryReport } from './targets/memory.js'

const mode = process.argv.includes('--short') ? SHORT : FULL
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn'
const output = fileURLToPath(new URL(`results/${mode.name === 'full' ? 'latest' : 'short'}.json`, import.meta.url))
const started = Date.now()
const teardowns: Array<() => unknown> = []
const children: BenchChild[] = []
/** The headers deploy/nginx-forward-auth.conf has nginx add to its check of a request for /app/page?tab=2. */
const FORWARD_AUTH_HEADERS = {
  'x-original-uri': '/app/page?tab=2',
  'x-forwarded-uri': '/app/page?tab=2',
  'x-forwarded-method': 'GET',
  'x-forwarded-host': '127.0.0.1',
  'x-forwarded-proto': 'http',
  'x-forwarded-for': '127.0.0.1'
}
const say = (text: string): void => { console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${text}`) }

async function child (name: string, args: Record<string, unknown> = {}, execArgv: string[] = []): Promise<BenchChild> {
  const started = await startChild(name, args, { execArgv })
  children.push(started)
  return started
}

async function signedIn (name: string, args: Record<string, unknown> = {}, options: WithProviderOptions = {}): Promise<SignedInTarget> {
  const started = await startWithProvider(name, args, options)
  children.push(started.server, started.provider)
  return started
}

/** A load run (after a warm-up) with the counters of the server and of its provider reset before and read after. */
async function counted (target: BenchChild | SignedInTarget, url: string, expectStatus: number, headers: Record<string, string> = {}, onReset?: () => void): Promise<LoadRun> {
  const { server, provider } = 'server' in target ? target : { server: target, provider: undefined }
  const options = { url, headers, expectStatus, connections: mode.connections }
  await measureLoad({ ...options, seconds: mode.warmupSeconds, warmupSeconds: 0 })
  await Promise.all([server.ask('reset'), provider?.ask('reset')])
  onReset?.()
  const load = await measureLoad({ ...options, seconds: mode.seconds, warmupSeconds: 0 })
  const [counts, providerCounts] = await Promise.all([server.ask<Counts>('counters'), provider?.ask<Counts>('counters')])
  // httpd counts nothing for the suite: its CPU is divided by the answers the load generator got.
  const requests = server.info.countsRequests === false ? load.requests : counts.requests
  return { ...load, counts: { ...counts, requests }, providerRequests: providerCounts?.requests ?? 0 }
}

async function main (): Promise<number> {
  say(`${mode.name} run: ${mode.connections} connections, ${mode.seconds} s per figure after ${mode.warmupSeconds} s of warm-up, log level ${logLevel}`)
  const redis = await startRedisServer({ teardown: (fn) => teardowns.push(fn) })
  // Where the traced gateway exports its spans (OTLP/HTTP, as a collector takes them), dropped on arrival.
  const sink = await startOtlpSink()
  teardowns.push(() => sink.close())
  const upstreamPort = await freePort()
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`
  const apacheMissing = existsSync(APACHE_BIN) && existsSync(OPENIDC_MODULE) ? undefined : APACHE_MISSING
  if (apacheMissing !== undefined) say(`${mode.peerRequired ? 'BROKEN' : 'skipping the mod_auth_openidc peer'}: ${apacheMissing}`)
  const [plain, memoryGateway, tracedGateway, redisGateway, expressOidc, apacheOidc] = await Promise.all([
    child('plain', { upstreamPort }),
    signedIn('gateway', { store: 'memory', upstreamUrl, logLevel }),
    signedIn('gateway', { store: 'memory', logLevel, otel: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.url } }),
    signedIn('gateway', { store: 'redis', redisUrl: redis.url, logLevel }),
    signedIn('express-oidc'),
    apacheMissing === undefined ? signedIn('apache-oidc', {}, { redirectPath: APACHE_REDIRECT_PATH }) : undefined
  ])
  const url = (target: SignedInTarget, path: string): string => `${String(target.server.info.url)}${path}`
  const cookieOf = async ({ server }: SignedInTarget): Promise<{ name: string, value: string }> => {
    const name = String(server.info.cookieName)
    return { name, value: await signIn(String(server.info.url), name) }
  }
  const apacheCookieOf = async ({ server }: SignedInTarget): Promise<{ name: string, value: string }> => {
    const name = String(server.info.cookieName)
    return { name, value: await signInAtApache(String(server.info.url), name, { loginPath: APACHE_LOGIN_PATH, mePath: APACHE_ME_PATH }) }
  }
  const [memoryCookie, tracedCookie, redisCookie, expressCookie, apacheCookie] = await Promise.all([
    cookieOf(memoryGateway), cookieOf(tracedGateway), cookieOf(redisGateway), cookieOf(expressOidc), apacheOidc === undefined ? undefined : apacheCookieOf(apacheOidc)
  ])
  const header = (cookie: { name: string, value: string }): Record<string, string> => ({ cookie: `${cookie.name}=${cookie.value}` })
  const inspected = await memoryGateway.server.ask<{ found: boolean, tokenCount: number, cookieHoldsToken: boolean, sessionJson: string }>('inspect', { cookieValue: memoryCookie.value })
  if (!inspected.found) throw new Error('the session behind the cookie is not in the store')
  const accessToken = String((JSON.parse(inspected.sessionJson) as { user?: { tokens?: { accessToken?: string } } }).user?.tokens?.accessToken)
  const bareProxy = await child('bare-proxy', { upstreamUrl, bearer: accessToken })
  if (memoryGateway.server.info.tracing !== false || tracedGateway.server.info.tracing !== true) throw new Error('tracing is not off and on where the suite wants it')
  sink.watchFor(await secretsOf(tracedGateway, tracedCookie.value))
  say('signed in everywhere; measuring')

  const bareUrl = `${String(plain.info.bareUrl)}/me`
  const bare = [await counted(plain, bareUrl, 200)]
  const meMemory = await counted(memoryGateway, url(memoryGateway, '/me'), 200, header(memoryCookie))
  // The same /me with tracing on, right after it off: a server span and a session_store.get span per request, exported.
  const meTraced = await counted(tracedGateway, url(tracedGateway, '/me'), 200, header(tracedCookie), () => { sink.reset() })
  const tracedExport = sink.counts()
  // What nginx's auth_request subrequest sends (deploy/nginx-forward-auth.conf): the browser's cookie and the original request.
  const authMemory = await counted(memoryGateway, url(memoryGateway, '/auth'), 202, { ...header(memoryCookie), ...FORWARD_AUTH_HEADERS })
  const meRedis = await counted(redisGateway, url(redisGateway, '/me'), 200, header(redisCookie))
  const meAnonymous = await counted(memoryGateway, url(memoryGateway, '/me'), 401)
  const expressOidcMe = await counted(expressOidc, url(expressOidc, '/me'), 200, header(expressCookie))
  const apacheOidcMe = apacheOidc === undefined || apacheCookie === undefined ? undefined : await counted(apacheOidc, url(apacheOidc, APACHE_ME_PATH), 200, header(apacheCookie))
  const upstreamDirect = await counted(plain, `${upstreamUrl}/items`, 200)
  const upstreamThroughBareProxy = await counted(bareProxy, `${String(bareProxy.info.url)}/items`, 200)
  const apiThroughGateway = await counted(memoryGateway, url(memoryGateway, '/api/up/items'), 200, { ...header(memoryCookie), 'x-csrf': '1' })
  bare.push(await counted(plain, bareUrl, 200))
  say('logins')
  const gatewayUrl = String(memoryGateway.server.info.url)
  const loginsSequential = await measureLogins(gatewayUrl, memoryCookie.name, 1, mode.loginSeconds, mode.maxLogins)
  const loginsParallel = await measureLogins(gatewayUrl, memoryCookie.name, mode.loginParallel, mode.loginSeconds, mode.maxLogins)
  await Promise.all(children.splice(0).map(async (running) => await running.stop()))

  say(`memory at ${mode.sessionCounts.join(' and ')} sessions`)
  const weigher = await child('memory', { sessionJson: inspected.sessionJson, counts: mode.sessionCounts, redisUrl: redis.url }, ['--expose-gc'])
  const memory = await weigher.ask<MemoryReport>('measure')

  const measurements: Measurements = {
    bare,
    meMemory,
    meTraced,
    tracedExport,
    authMemory,
    meAnonymous,
    meRedis,
    expressOidc: expressOidcMe,
    apacheOidc: apacheOidcMe,
    apacheOidcMissing: apacheMissing,
    upstreamDirect,
    upstreamThroughBareProxy,
    apiThroughGateway,
    loginsSequential,
    loginsParallel,
    cookie: { bytes: Buffer.byteLength(`${memoryCookie.name}=${memoryCookie.value}`), holdsToken: inspected.cookieHoldsToken, tokenCount: inspected.tokenCount },
    expressOidcCookieBytes: Buffer.byteLength(`${expressCookie.name}=${expressCookie.value}`),
    apacheOidcCookieBytes: apacheCookie === undefined ? undefined : Buffer.byteLength(`${apacheCookie.name}=${apacheCookie.value}`),
    sessionJsonBytes: Buffer.byteLength(inspected.sessionJson),
    memory
  }
  const rows = toRows(measurements)
  const broken = breakages(measurements, mode)
  const table = renderTable(rows)
  console.log(`\n${table}\n`)
  if (apacheMissing !== undefined) console.log(`Not measured: ${apacheMissing}`)
  console.log(`Command: npm run ${mode.name === 'full' ? 'bench' : 'bench:short'}; Node ${process.version}; ${mode.connections} connections; ${new Date().toISOString()}`)
  writeJson(output, { mode, node: process.version, date: new Date().toISOString(), logLevel, rows, breakages: broken, measurements })
  say(`wrote ${output}`)
  for (const problem of broken) console.error(`BROKEN: ${problem}`)
  return broken.length === 0 ? 0 : 1
}

/** What no exported span may hold: the session's cookie, id and tokens, and the person's national number and subject. */
async function secretsOf (target: SignedInTarget, cookieValue: string): Promise<Record<string, string>> {
  const inspected = await target.server.ask<{ found: boolean, sessionJson: string }>('inspect', { cookieValue })
  if (!inspected.found) throw new Error('the traced gateway\'s session is not in its store')
  const user = (JSON.parse(inspected.sessionJson) as { user?: { sub?: string, claims?: Record<string, unknown>, tokens?: Record<string, unknown> } }).user
  const named: Record<string, unknown> = {
    'session cookie': cookieValue,
    'session id': cookieValue.slice(0, cookieValue.lastIndexOf('.')),
    subject: user?.sub,
    'national number': CHRIS_PROFILE.nationalNumber,
    'access token': user?.tokens?.accessToken,
    'ID token': user?.tokens?.idToken,
    'refresh token': user?.tokens?.refreshToken
  }
  return Object.fromEntries(Object.entries(named).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

let status = 1
try {
  status = await main()
} catch (error) {
  console.error('BROKEN:', error)
} finally {
  for (const running of children) await running.stop().catch(() => {})
  for (const teardown of teardowns.reverse()) await teardown()
}
process.exit(status)
