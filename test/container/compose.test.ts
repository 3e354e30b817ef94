import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config.js'
import { configEnvNames } from '../helpers/config-env.js'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack } from '../helpers/gateway.js'
import { TestBrowser } from '../helpers/test-browser.js'

const root = join(import.meta.dirname, '..', '..')

interface ComposeService {
  build?: unknown
  image?: string
  command?: string[]
  deploy?: { replicas?: number }
  environment?: Record<string, string>
  depends_on?: unknown
  volumes?: string[]
}

// Docker cannot run here; these checks keep the compose file consistent with
// the gateway it deploys: its settings exist, and the replicas can share sessions.
t.test('docker-compose.yml runs two replicas that share sessions through Redis behind the proxy', async (t) => {
  const compose = parse(await readFile(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> }
  const { gateway, redis, proxy } = compose.services
  t.ok(gateway?.build, 'the gateway is built from this repository')
  t.equal(gateway?.deploy?.replicas, 2)
  t.ok(redis?.image?.startsWith('redis:'))
  t.ok(proxy?.image?.startsWith('nginx:'))

  const env = gateway?.environment ?? {}
  t.equal(env.SESSION_STORE, 'redis')
  t.equal(env.REDIS_URL, 'redis://redis:6379', 'the redis service')
  t.equal(env.NODE_ENV, 'production')
  t.match(env.SESSION_SECRET, /^\$\{SESSION_SECRET:\?/, 'one secret for all replicas, required')

  const readme = await readFile(join(root, 'README.md'), 'utf8')
  for (const name of Object.keys(env)) {
    t.ok(readme.includes(`| \`${name}\``) || readme.includes(`\`${name}\` /`), `${name} is a documented setting`)
  }

  const nginx = await readFile(join(root, 'deploy', 'nginx.conf'), 'utf8')
  t.ok(nginx.includes(`server gateway:${env.PORT ?? ''} resolve;`), 'the proxy balances over every gateway replica on its port')
  t.ok(proxy?.volumes?.some((volume) => volume.startsWith('./deploy/nginx.conf:')), 'the proxy uses that configuration')

  const example = await readFile(join(root, 'deploy', 'compose.env.example'), 'utf8')
  for (const required of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'SESSION_SECRET']) {
    t.match(example, new RegExp(`^${required}=`, 'm'), `${required} is in the example .env`)
  }
})

t.test('docker-compose.yml puts the example API behind /api/example, on the image the gateway runs on', async (t) => {
  const compose = parse(await readFile(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> }
  const { gateway, 'example-api': example } = compose.services
  const env = gateway?.environment ?? {}
  const read = await configEnvNames()
  for (const name of Object.keys(env)) t.ok(read.has(name), `${name} is a setting the gateway reads`)

  t.same(example?.build, gateway?.build, 'built like the gateway')
  t.same(example?.command, ['node', 'deploy/example-upstream.mjs'])
  t.ok(example?.volumes?.includes('./deploy/example-upstream.mjs:/app/deploy/example-upstream.mjs:ro'), 'the script, read-only')
  t.match(gateway?.depends_on, { 'example-api': { condition: 'service_healthy' } })

  const upstreams = loadConfig({ UPSTREAMS: env.UPSTREAMS }).upstreams
  t.same(Object.keys(upstreams), ['example'])
  t.equal(upstreams.example?.url.href, `http://example-api:${example?.environment?.PORT ?? ''}/`, 'the example API\'s service name and port')

  const nginx = await readFile(join(root, 'deploy', 'nginx.conf'), 'utf8')
  t.match(nginx, /location = \/metrics \{[^}]*return 404/, 'the proxy keeps /metrics to the compose network')
})

t.test('deploy/example-upstream.mjs behind a real gateway: a signed-in call arrives with a bearer token and the request id', async (t) => {
  const child = spawn(process.execPath, [join(root, 'deploy', 'example-upstream.mjs')], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  t.teardown(() => { child.kill('SIGKILL') })
  const [line] = await once(createInterface({ input: child.stdout }), 'line') as [string]
  const port = (JSON.parse(line) as { port: number }).port
  const upstream = `http://127.0.0.1:${port}`
  t.equal((await fetch(`${upstream}/healthz`)).status, 200, 'the image\'s HEALTHCHECK path')
  t.equal((await fetch(upstream, { method: 'POST' })).status, 405)

  const stack = await startStack(t, { env: { UPSTREAMS: JSON.stringify({ example: upstream }) } })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const res = await browser.get(`${stack.gatewayUrl}/api/example/hello?x=1`, { 'x-csrf': '1', 'x-request-id': 'compose-check-1' })
  t.equal(res.status, 200)
  t.match(res.json(), { message: 'Hello from the example API', method: 'GET', path: '/hello', bearerToken: 'received', requestId: 'compose-check-1' })
  t.notMatch(res.text, /eyJ/, 'the answer never holds the token')

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit') as [number | null]
  t.equal(code, 0, 'SIGTERM stops it cleanly')
})
