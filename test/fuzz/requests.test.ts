import t from 'tap'
import fc from 'fast-check'
import { request, Agent } from 'node:http'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { startStack } from '../helpers/gateway.js'
import { startRecordingUpstream } from '../helpers/recording-upstream.js'
import { hostileRequests, proxyRequestTargets, sendRaw, type RawRequest, type RouteTemplate } from '../helpers/hostile-requests.js'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { TestBrowser } from '../helpers/test-browser.js'
import { MemorySessionStore } from '../../src/sessions/memory-store.js'

/** Every route the gateway serves. */
const ROUTES: readonly RouteTemplate[] = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/login' },
  { method: 'GET', path: '/callback' },
  { method: 'GET', path: '/me' },
  { method: 'GET', path: '/logout' },
  { method: 'POST', path: '/backchannel-logout' },
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/api/orders/items' },
  { method: 'POST', path: '/api/orders/items' },
  { method: 'GET', path: '/internal/users/oidc%7Citsme%7Cx/claims' },
  { method: 'GET', path: '/me/sessions' },
  { method: 'DELETE', path: '/me/sessions/abc' },
  { method: 'GET', path: '/internal/users/oidc%7Citsme%7Cx/sessions' },
  { method: 'DELETE', path: '/internal/users/oidc%7Citsme%7Cx/sessions/abc' },
  { method: 'DELETE', path: '/internal/users/oidc%7Citsme%7Cx/sessions' }
]
const RUNS = 5000
const TIME_LIMIT_MS = 90_000
const PROXY_RUNS = 5000
const PROXY_TIME_LIMIT_MS = 60_000

interface Answer { status: number, contentType: string, body: string }

async function send (origin: URL, agent: Agent, raw: RawRequest): Promise<Answer | 'refused'> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: origin.hostname, port: origin.port, method: raw.method, path: raw.path, headers: raw.headers, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    // The server may answer (413, 431) and close before a large body is sent.
    req.on('error', (error: NodeJS.ErrnoException) => error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve('refused') : reject(error))
    req.end(raw.body)
  })
}

function gc (): void {
  setFlagsFromString('--expose_gc')
  ;(runInNewContext('gc') as () => void)()
}

t.test('thousands of hostile requests: no 5xx, only our JSON errors, no session, no crash, no leak', { timeout: 240_000 }, async (t) => {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  const stack = await startStack(t, {
    env: {
      RATE_LIMIT_LOGIN: '1000000',
      RATE_LIMIT_BACKCHANNEL: '1000000',
      RATE_LIMIT_INTERNAL: '1000000',
      UPSTREAMS: JSON.stringify({ orders: upstream.url }),
      INTERNAL_AUDIENCE: 'urn:eid-bff:internal',
      LOG_LEVEL: 'warn'
    }
  })
  const origin = new URL(stack.gatewayUrl)
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })
  t.teardown(() => agent.destroy())
  const store = stack.app.sessionStore
  if (!(store instanceof MemorySessionStore)) throw new TypeError('the fuzz run expects the memory store')

  const statuses = new Map<number, number>()
  const property = fc.asyncProperty(hostileRequests(ROUTES), async (raw) => {
    const answer = await send(origin, agent, raw)
    if (answer === 'refused') return
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
    if (answer.status >= 500) throw new Error(`${raw.method} ${raw.path.slice(0, 80)} answered ${answer.status}: ${answer.body.slice(0, 200)}`)
    if (answer.status >= 400 && raw.method !== 'HEAD') {
      if (!answer.contentType.startsWith('application/json')) throw new Error(`${answer.status} without a JSON body for ${raw.method} ${raw.path.slice(0, 80)}`)
      const keys = Object.keys(JSON.parse(answer.body) as object).sort().join(',')
      if (keys !== 'error,message') throw new Error(`error body with keys ${keys}`)
    }
    if (store.size !== 0) throw new Error(`a signed-in session appeared after ${raw.method} ${raw.path.slice(0, 80)}`)
  })

  // Warm up first, so the baseline holds what a running gateway always holds.
  await fc.assert(property, { numRuns: 200, seed: 1 })
  gc()
  const baseline = process.memoryUsage().heapUsed
  const result = await fc.check(property, { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS })
  // Counterexamples can hold 100 kB strings: keep the report readable.
  t.notOk(result.failed, (fc.defaultReportMessage(result) ?? 'no counterexample').slice(0, 2000))
  t.ok(result.numRuns >= 1000, `${result.numRuns} generated requests`)
  t.equal(store.size, 0, 'no signed-in session was made')
  t.equal(upstream.received.length, 0, 'nothing reached the upstream without a session')
  t.ok(statuses.size > 5, `a spread of answers: ${JSON.stringify(Object.fromEntries(statuses))}`)

  const health = await fetch(`${stack.gatewayUrl}/healthz`)
  t.equal(health.status, 200, 'the gateway still serves')
  t.notMatch(stack.logs.text, /"msg":"unexpected error"/, 'no unexpected error was logged')

  agent.destroy()
  await store.close()
  gc()
  const grown = process.memoryUsage().heapUsed - baseline
  t.ok(grown < 32 * 1024 * 1024, `heap back near its baseline (${Math.round(grown / 1024)} KiB above)`)
})

t.test('signed in, with X-CSRF: hostile request-targets at the proxy reach only the configured upstream, under its base path', { timeout: 180_000 }, async (t) => {
  const upstream = await startRecordingUpstream({ echoOnly: true })
  t.teardown(() => upstream.close())
  const bare = await startRecordingUpstream({ echoOnly: true })
  t.teardown(() => bare.close())
  const victim = await startRecordingUpstream({ echoOnly: true })
  t.teardown(() => victim.close())
  const stack = await startStack(t, {
    env: {
      // One upstream with a base path, one without (where a cut-off URL turned into another host).
      UPSTREAMS: JSON.stringify({ orders: `${upstream.url}/base`, root: bare.url }),
      LOG_LEVEL: 'warn'
    }
  })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const signedIn = { cookie: browser.cookieHeader(stack.gatewayUrl), 'x-csrf': '1' }
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })
  t.teardown(() => agent.destroy())

  const targets = proxyRequestTargets({ mounts: ['orders', 'root'], victims: [new URL(victim.url).host], gateway: new URL(stack.gatewayUrl).host })
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
    path: targets,
    body: fc.option(fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)), { nil: undefined })
  })
  const statuses = new Map<number, number>()
  const property = fc.asyncProperty(request, async ({ method, path, body }) => {
    const [victimBefore, upstreamBefore] = [victim.received.length, upstream.received.length]
    const answer = await sendRaw(stack.gatewayUrl, { method, path, headers: { ...signedIn, 'content-type': 'application/octet-stream' }, body: method === 'GET' || method === 'HEAD' ? undefined : body }, agent)
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
    if (answer.status >= 500) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.body.slice(0, 200)}`)
    if (answer.status >= 400 && method !== 'HEAD') {
      const keys = Object.keys(JSON.parse(answer.body) as object).sort().join(',')
      if (keys !== 'error,message') throw new Error(`${method} ${path}: ${answer.status} with an error body of keys ${keys}`)
    }
    const hit = victim.received[victimBefore]
    if (hit !== undefined) throw new Error(`${method} ${path} reached the victim as ${hit.method} ${hit.url} (${String(hit.headers.authorization).slice(0, 14)}…)`)
    const outside = upstream.received.slice(upstreamBefore).find((seen) => !/^\/base(\/|\?|$)/.test(seen.url))
    if (outside !== undefined) throw new Error(`${method} ${path} reached the upstream outside its base path: ${outside.url}`)
  })
  const result = await fc.check(property, { numRuns: PROXY_RUNS, interruptAfterTimeLimit: PROXY_TIME_LIMIT_MS, includeErrorInReport: true })
  t.notOk(result.failed, (fc.defaultReportMessage(result) ?? 'no counterexample').slice(0, 2000))
  t.ok(result.numRuns >= 500, `${result.numRuns} generated requests`)
  t.equal(victim.received.length, 0, 'nothing reached the victim')
  t.ok(upstream.received.length > 50, `the upstream with a base path got ${upstream.received.length} requests, each under /base`)
  t.ok(bare.received.length > 50, `the upstream without one got ${bare.received.length}`)
  t.ok(statuses.has(200) && statuses.has(400), `a spread of answers: ${JSON.stringify(Object.fromEntries(statuses))}`)
  t.notMatch(stack.logs.text, /"msg":"unexpected error"/, 'no unexpected error was logged')
})
