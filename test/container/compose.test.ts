import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { BlockList } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/index.js'
import { UPSTREAM_HEADERS } from '../../src/forward-auth/fields.js'
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
  ports?: string[]
  networks?: string[] | Record<string, { ipv4_address?: string } | null>
}

interface ComposeFile {
  services: Record<string, ComposeService>
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string }> } } | null>
}

/** The values `docker compose` would give `${NAME}`, `${NAME:-default}` and `${NAME:?message}` from an .env file. */
function interpolate (value: string, dotenv: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_match, name: string, operator?: string, fallback?: string) =>
    dotenv[name] !== undefined && dotenv[name] !== '' ? dotenv[name] : operator === '-' ? fallback ?? '' : '')
}

function networksOf (service: ComposeService): string[] {
  const networks = service.networks ?? ['default']
  return Array.isArray(networks) ? networks : Object.keys(networks)
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

  const reference = await readFile(join(root, 'docs', 'configuration.md'), 'utf8')
  for (const name of Object.keys(env)) {
    t.ok(reference.includes(`| \`${name}\` |`), `${name} is a documented setting`)
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

t.test('docker-compose.yml in production: the gateway believes only the proxy\'s fixed address and serves /metrics on a port the proxy never forwards', async (t) => {
  const compose = parse(await readFile(join(root, 'docker-compose.yml'), 'utf8')) as ComposeFile
  const { gateway, proxy } = compose.services
  const env = gateway?.environment ?? {}

  const subnet = compose.networks?.edge?.ipam?.config?.[0]?.subnet
  t.match(subnet, /^\d+\.\d+\.\d+\.\d+\/\d+$/, 'the edge network has a subnet of its own')
  const [network, prefix] = (subnet ?? '0.0.0.0/32').split('/') as [string, string]
  const edge = new BlockList()
  edge.addSubnet(network, Number(prefix))
  const proxyNetworks = proxy?.networks as Record<string, { ipv4_address?: string } | null> | undefined
  const proxyAddress = proxyNetworks?.edge?.ipv4_address as string
  t.ok(edge.check(proxyAddress), `the proxy's fixed address ${proxyAddress} is on it`)
  t.equal(env.TRUST_PROXY, proxyAddress, 'TRUST_PROXY names that address and nothing else')
  t.same(Object.entries(compose.services).filter(([, service]) => networksOf(service).includes('edge')).map(([name]) => name).sort(), ['gateway', 'proxy'],
    'only the proxy and the gateway are on the edge network')
  t.same(networksOf(proxy ?? {}), ['edge', 'apps'], 'the proxy reaches nothing else but the app behind forward auth')
  t.ok(networksOf(gateway ?? {}).includes('default'), 'the gateway reaches Redis and the example API on the default network')

  t.equal(env.METRICS_PORT, '9464')
  t.same(proxy?.ports, ['8080:8080'], 'only the proxy publishes a port')
  t.same(gateway?.ports, undefined, 'the gateway publishes none, metrics port included')
  const nginx = await readFile(join(root, 'deploy', 'nginx.conf'), 'utf8')
  const directives = nginx.split('\n').map((line) => line.replace(/#.*/, '')).join('\n')
  t.match(directives, /server gateway:3000 resolve;/, 'nginx forwards to the main port')
  t.notOk(directives.includes(`:${env.METRICS_PORT ?? ''}`), 'and never to the metrics port')

  const dotenv: Record<string, string> = {}
  for (const match of (await readFile(join(root, 'deploy', 'compose.env.example'), 'utf8')).matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)) dotenv[match[1] as string] = match[2] as string
  const resolved = (overrides: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(env).map(([name, value]) => [name, interpolate(String(value), { ...dotenv, ...overrides })]))
  const secret = { SESSION_SECRET: 'k3J9x-Qw7Lp2Zr8Tb5Nc1Vm6Yh4Gd0Fs', OIDC_CLIENT_ID: 'client', OIDC_CLIENT_SECRET: 'secret' }
  for (const baseUrl of [dotenv.BASE_URL as string, 'https://app.example.com']) {
    const config = loadConfig(resolved({ ...secret, BASE_URL: baseUrl }))
    t.equal(config.production, true, `${baseUrl}: a production configuration`)
    t.equal(config.trustProxy, proxyAddress, `${baseUrl}: only the proxy is believed`)
    t.same(config.metricsListener, { port: 9464, host: '0.0.0.0' }, `${baseUrl}: /metrics on its own port, reachable on the compose network`)
    t.equal(config.metricsToken, undefined, `${baseUrl}: the token stays optional`)
  }
})

t.test('docker-compose.yml puts an app behind nginx forward auth at /app/, minimised, with every identity header set by nginx', async (t) => {
  const compose = parse(await readFile(join(root, 'docker-compose.yml'), 'utf8')) as ComposeFile
  const { gateway, proxy, 'example-app': app, 'example-api': api } = compose.services
  const env = gateway?.environment ?? {}

  const rules = loadConfig({ FORWARD_AUTH: env.FORWARD_AUTH }).forwardAuth?.rules ?? []
  t.same(rules.map((rule) => rule.prefix), ['/app'], 'one rule, for /app/')
  for (const rule of rules) {
    t.equal(rule.subject, 'pairwise', `${rule.prefix}: a pairwise user id, never the provider's sub`)
    t.equal(rule.accessToken, 'none', `${rule.prefix}: no token`)
    t.notOk(rule.headers.includes('nationalNumber') || rule.headers.includes('nationalId'), `${rule.prefix}: no national number`)
  }
  t.same(app?.build, gateway?.build, 'the app is built like the gateway')
  t.same(app?.command, api?.command, 'and runs the example script')
  t.same(networksOf(app ?? {}), ['apps'], 'the app is on the apps network only')
  t.same(Object.entries(compose.services).filter(([, service]) => networksOf(service).includes('apps')).map(([name]) => name).sort(), ['example-app', 'proxy'],
    'only the proxy reaches it: the gateway, Redis and the API are not on that network')
  t.ok(compose.networks !== undefined && 'apps' in compose.networks, 'the apps network is declared')

  const nginx = await readFile(join(root, 'deploy', 'nginx.conf'), 'utf8')
  const directives = nginx.split('\n').map((line) => line.replace(/#.*/, '')).join('\n')
  const includes = [...directives.matchAll(/include ([\w.-]+);/g)].map((match) => match[1] as string)
  t.same(includes.sort(), ['nginx-forward-auth-location.conf', 'nginx-forward-auth.conf'], 'the two forward-auth files')
  for (const include of includes) {
    t.ok(proxy?.volumes?.includes(`./deploy/${include}:/etc/nginx/${include}:ro`), `${include} is mounted where nginx.conf includes it from`)
  }
  t.match(directives, /upstream example-app \{[^}]*server example-app:3000 resolve;/, 'nginx reaches the app by its service name and port')
  t.equal(app?.environment?.PORT, '3000')
  const protectedLocation = /location \/app\/ \{([^}]*)\}/.exec(directives)?.[1] ?? ''
  t.match(protectedLocation, /include nginx-forward-auth-location\.conf;/, '/app/ asks the gateway first')
  t.match(protectedLocation, /error_page 401 = @forward_auth_login;/, 'a page: signed out, to the login')
  t.match(protectedLocation, /proxy_pass http:\/\/example-app\/;/)

  const server = (await readFile(join(root, 'deploy', 'nginx-forward-auth.conf'), 'utf8')).split('\n').map((line) => line.replace(/#.*/, '')).join('\n')
  t.match(server, /location = \/auth \{[^}]*return 404/, 'browsers never reach the gateway\'s /auth')
  t.match(server, /location \^~ \/auth\/ \{[^}]*return 404/, 'nor /auth/envoy/*')
  const check = /location = \/_forward_auth \{([^}]*)\}/.exec(server)?.[1] ?? ''
  t.match(check, /^\s*internal;/m, 'the check location is internal')
  t.match(check, /proxy_pass http:\/\/gateways\/auth;/)
  t.match(check, /proxy_pass_request_body off;/)
  for (const name of ['X-Original-URI', 'X-Forwarded-Uri']) t.match(check, new RegExp(`proxy_set_header ${name} \\$request_uri;`), `${name} set by nginx, so the browser's is replaced`)

  const location = (await readFile(join(root, 'deploy', 'nginx-forward-auth-location.conf'), 'utf8')).split('\n').map((line) => line.replace(/#.*/, '')).join('\n')
  t.match(location, /^auth_request \/_forward_auth;$/m)
  for (const name of [...UPSTREAM_HEADERS, 'authorization']) {
    const variable = new RegExp(`^auth_request_set \\$(\\w+) \\$upstream_http_${name.replaceAll('-', '_')};$`, 'm').exec(location)?.[1]
    t.ok(variable, `${name}: read from the gateway's answer`)
    t.match(location, new RegExp(`^proxy_set_header ${name} \\$${variable ?? '-'};$`, 'im'), `${name}: set from it on every request, so the browser's own never passes`)
  }
})
