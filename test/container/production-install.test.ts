import t from 'tap'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_NAMESPACE } from '../helpers/gateway.js'
import { freePort } from '../helpers/free-port.js'
import { CHRIS_PROFILE, TEST_SECRET } from '../helpers/constants.js'
import { signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { redisForTest, REDIS_URL } from '../helpers/redis.js'
import { startOtlpSink } from '../helpers/otlp-sink.js'
import { TestBrowser } from '../helpers/test-browser.js'

const run = promisify(execFile)
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..')

// The Dockerfile's steps, without Docker: build, production-only install of the
// built output in a clean folder, start it as the image would, ask /healthz.
t.test('the built output starts from a production-only install, like the container image, and two replicas share sessions', { timeout: 240_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-image-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await run('npm', ['run', 'build'], { cwd: root })
  await cp(join(root, 'package.json'), join(dir, 'package.json'))
  await cp(join(root, 'package-lock.json'), join(dir, 'package-lock.json'))
  await cp(join(root, 'dist'), join(dir, 'dist'), { recursive: true })
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, timeout: 180_000 })

  await t.rejects(run('node', ['-e', "import('oidc-provider')"], { cwd: dir }), 'the development provider is not in the production install')

  // Two replicas sharing Redis, as docker-compose.yml runs them.
  const { prefix } = await redisForTest(t)
  const [portA, portB, metricsA, metricsB] = [await freePort(), await freePort(), await freePort(), await freePort()]
  const baseUrl = `http://127.0.0.1:${portA}`
  const idp = await startTestIdp(t, baseUrl)
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    BASE_URL: baseUrl,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    CLAIMS_NAMESPACE: TEST_NAMESPACE,
    SESSION_SECRET: TEST_SECRET,
    SESSION_STORE: 'redis',
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix
  }
  // B traces, to a collector on loopback: the SDK is a production dependency, loaded only then.
  const sink = await startOtlpSink()
  t.teardown(() => sink.close())
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url.replace(/\/v1\/traces$/, ''), OTEL_SERVICE_NAME: 'bff-replica-b', OTEL_BSP_SCHEDULE_DELAY: '100' }
  // Production keeps /metrics off the public port: each replica serves it on a port of its own.
  const a = startBuiltServer(t, dir, { ...env, PORT: String(portA), METRICS_PORT: String(metricsA) })
  const b = startBuiltServer(t, dir, { ...env, PORT: String(portB), METRICS_PORT: String(metricsB), ...tracing })
  for (const port of [portA, portB]) {
    let ready = 0
    for (let i = 0; i < 100 && ready !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)
    }
    t.equal(ready, 200, `replica on ${port} is ready against the provider and Redis`)
  }
  for (const [port, metricsPort] of [[portA, metricsA], [portB, metricsB]] as const) {
    t.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 404, `replica on ${port}: no /metrics on the public port`)
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    t.equal(scrape.status, 200, `replica on ${port}: /metrics on its metrics port`)
    t.match(await scrape.text(), /^# HELP bff_http_requests_total /m)
  }
  const health = await fetch(`${baseUrl}/healthz`)
  t.equal(health.status, 200)
  t.same(await health.json(), { status: 'ok' })

  const browser = new TestBrowser()
  const login = await browser.get(`${baseUrl}/login`)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  t.equal((await browser.get(callback.href)).status, 302, 'signed in through one replica')
  const cookie = browser.cookies(baseUrl).bff as string
  sink.watchFor({ service: 'bff-replica-b', span: 'GET /me', cookie, 'session id': cookie.slice(0, cookie.lastIndexOf('.')), 'national number': CHRIS_PROFILE.nationalNumber, subject: CHRIS_PROFILE.sub })
  const me = await browser.get(`http://127.0.0.1:${portB}/me`)
  t.equal(me.status, 200, 'and signed in on the other')
  t.equal(me.json().nationalNumber, '65070862267')
  for (let i = 0; i < 50 && !sink.counts().found.includes('span'); i++) await new Promise((resolve) => setTimeout(resolve, 100))
  t.ok(sink.counts().exports > 0, 'the tracing replica exported its spans over OTLP/HTTP')
  t.same(sink.counts().found.sort(), ['service', 'span'], 'named by OTEL_SERVICE_NAME and the route, holding neither the cookie nor the person')
  t.match(b.output(), /"msg":"tracing is on/)
  t.notMatch(a.output(), /tracing/, 'the other replica does not trace')

  for (const replica of [a, b]) {
    replica.process.kill('SIGTERM')
    t.equal(await replica.exited, 0, 'SIGTERM ends it cleanly')
    t.match(replica.output(), /"msg":"shutting down"/)
  }
})

function startBuiltServer (t: { teardown (fn: () => unknown): void }, dir: string, env: Record<string, string | undefined>): { process: ChildProcess, exited: Promise<number | null>, output (): string } {
  const server = spawn(process.execPath, ['dist/src/server.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
  t.teardown(() => { server.kill('SIGKILL') })
  return { process: server, exited, output: () => output }
}

t.test('production refuses to start with the development provider, in one clear line', async (t) => {
  await run('npm', ['run', 'build'], { cwd: root })
  const result = await run(process.execPath, ['dist/src/server.js'], { cwd: root, env: { PATH: process.env.PATH, NODE_ENV: 'production', SESSION_SECRET: TEST_SECRET } })
    .then(() => ({ code: 0, stderr: '' }), (error: { code: number, stderr: string }) => error)
  t.equal(result.code, 1)
  t.equal(result.stderr, 'Configuration error: OIDC_ISSUER is required when NODE_ENV=production: the embedded development provider never runs in production\n')
})

t.test('production with the metrics open to the public port refuses to start, in one clear line', async (t) => {
  await run('npm', ['run', 'build'], { cwd: root })
  const env = { PATH: process.env.PATH, NODE_ENV: 'production', SESSION_SECRET: TEST_SECRET, OIDC_ISSUER: 'https://tenant.eu.auth0.com/', OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET }
  const result = await run(process.execPath, ['dist/src/server.js'], { cwd: root, env })
    .then(() => ({ code: 0, stderr: '' }), (error: { code: number, stderr: string }) => error)
  t.equal(result.code, 1)
  t.match(result.stderr, /^Configuration error: METRICS_PORT or METRICS_TOKEN is required when NODE_ENV=production: [^\n]+\n$/)
  const https = await run(process.execPath, ['dist/src/server.js'], { cwd: root, env: { ...env, BASE_URL: 'https://app.example.com', METRICS_PORT: '9464' } })
    .then(() => ({ code: 0, stderr: '' }), (error: { code: number, stderr: string }) => error)
  t.equal(https.code, 1)
  t.match(https.stderr, /^Configuration error: TRUST_PROXY is required when NODE_ENV=production with an https BASE_URL: [^\n]+\n$/)
})
