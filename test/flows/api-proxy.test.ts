import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import type { DevIdpOptions } from '../../src/dev-idp/index.js'
import { freePort } from '../helpers/free-port.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { sendRaw } from '../helpers/hostile-requests.js'
import { HOSTILE_RESPONSE_HEADERS, startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js'
import { TestBrowser } from '../helpers/test-browser.js'

const CSRF = { 'x-csrf': '1' }

async function proxyStack (t: { teardown (fn: () => unknown): void }, idp: Partial<DevIdpOptions> = {}, env: Record<string, string> = {}): Promise<{ stack: Stack, upstream: RecordingUpstream }> {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  const deadPort = await freePort()
  const stack = await startStack(t, {
    env: {
      UPSTREAMS: JSON.stringify({
        echo: { url: `${upstream.url}/base`, timeout: 1 },
        plain: { url: upstream.url, token: 'none' },
        dead: `http://127.0.0.1:${deadPort}`
      }),
      ...env
    },
    idp
  })
  return { stack, upstream }
}

/** Whether the provider still honours this access token: its userinfo endpoint answers with the user. */
async function userinfoSub (issuer: string, accessToken: string): Promise<string | undefined> {
  const metadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as { userinfo_endpoint: string }
  const response = await fetch(metadata.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } })
  return response.ok ? (await response.json() as { sub: string }).sub : undefined
}

function bearerOf (headers: Record<string, unknown>): string {
  const authorization = String(headers.authorization ?? '')
  return authorization.replace(/^Bearer /, '')
}

t.test('without a session 401, without X-CSRF 403, and nothing reaches the upstream', async (t) => {
  const { stack, upstream } = await proxyStack(t)
  const browser = new TestBrowser()
  const anonymous = await browser.get(`${stack.gatewayUrl}/api/echo/items`, CSRF)
  t.equal(anonymous.status, 401)
  t.same(anonymous.json(), { error: 'unauthenticated', message: anonymous.json().message })

  await signInThroughGateway(browser, stack.gatewayUrl)
  const noHeader = await browser.get(`${stack.gatewayUrl}/api/echo/items`)
  t.equal(noHeader.status, 403)
  t.equal(noHeader.json().error, 'csrf_required')
  const crossSite = await browser.get(`${stack.gatewayUrl}/api/echo/items`, { ...CSRF, 'sec-fetch-site': 'cross-site' })
  t.equal(crossSite.status, 403)
  t.equal(crossSite.json().error, 'cross_site_request')
  t.equal(upstream.received.length, 0, 'the upstream saw none of these')
  const unknown = await browser.get(`${stack.gatewayUrl}/api/nope/items`, CSRF)
  t.equal(unknown.status, 404)
})

t.test('a signed-in call reaches the upstream with a valid bearer token, no cookie, no CSRF header, and a request id', async (t) => {
  const { stack, upstream } = await proxyStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)

  const response = await browser.get(`${stack.gatewayUrl}/api/echo/items/42?filter=a%20b&n=1`, { ...CSRF, 'x-request-id': 'trace-abc.123' })
  t.equal(response.status, 200)
  t.equal(response.headers.get('x-upstream'), 'recording', 'upstream headers come back')
  t.equal(response.headers.get('x-request-id'), 'trace-abc.123')
  const seen = response.json()
  t.equal(seen.method, 'GET')
  t.equal(seen.url, '/base/items/42?filter=a%20b&n=1', 'path and query appended to the base path, encoding kept')
  t.notOk(seen.headers.cookie, 'no browser cookie')
  t.notOk(seen.headers['x-csrf'], 'no CSRF header')
  t.equal(seen.headers['x-request-id'], 'trace-abc.123', 'the caller\'s request id is propagated')
  const token = bearerOf(seen.headers)
  t.ok(token.length > 10, 'a bearer token is attached')
  t.equal(await userinfoSub(stack.idp.issuer, token), 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}', 'the provider honours it for the signed-in user')

  const generated = await browser.get(`${stack.gatewayUrl}/api/echo`, { ...CSRF, 'x-request-id': 'bad id with spaces' })
  t.match(generated.headers.get('x-request-id'), /^[0-9a-f-]{36}$/, 'an unsafe request id is replaced by a new one')
  t.equal(generated.json().headers['x-request-id'], generated.headers.get('x-request-id'))
  t.equal(generated.json().url, '/base', 'the mount point itself maps to the base path')

  const plain = await browser.get(`${stack.gatewayUrl}/api/plain/x`, CSRF)
  t.equal(plain.json().url, '/x')
  t.notOk(plain.json().headers.authorization, 'token: none sends no token')
})

t.test('bodies pass intact both ways: a 1 MB upload, a streamed answer, the upstream\'s own errors', async (t) => {
  const { stack, upstream } = await proxyStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const cookie = Object.entries(browser.cookies(stack.gatewayUrl)).map(([name, value]) => `${name}=${value}`).join('; ')

  const upload = randomBytes(1024 * 1024)
  for (const method of ['POST', 'PUT', 'PATCH']) {
    const response = await fetch(`${stack.gatewayUrl}/api/echo/upload`, { method, body: upload, headers: { ...CSRF, cookie, 'content-type': 'application/octet-stream' } })
    const seen = await response.json() as { method: string, bodyBytes: number, bodySha256: string, headers: Record<string, string> }
    t.equal(response.status, 200, method)
    t.equal(seen.method, method)
    t.equal(seen.bodyBytes, upload.length, `${method} body length`)
    t.equal(seen.bodySha256, createHash('sha256').update(upload).digest('hex'), `${method} body bytes`)
    t.equal(seen.headers['content-type'], 'application/octet-stream')
  }
  const json = await fetch(`${stack.gatewayUrl}/api/echo/json`, { method: 'POST', body: '{"a":1}', headers: { ...CSRF, cookie, 'content-type': 'application/json' } })
  t.equal((await json.json() as { bodyBytes: number }).bodyBytes, 7, 'a JSON body is forwarded as sent, not re-encoded')

  const streamed = await fetch(`${stack.gatewayUrl}/api/echo/stream`, { headers: { ...CSRF, cookie } })
  const reader = (streamed.body as ReadableStream<Uint8Array>).getReader()
  const first = await reader.read()
  t.equal(new TextDecoder().decode(first.value), 'first chunk\n', 'the first chunk arrives while the upstream is still answering')
  upstream.releaseStream()
  let rest = ''
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value)
  t.equal(rest, 'last chunk\n')

  const missing = await browser.get(`${stack.gatewayUrl}/api/echo/missing`, CSRF)
  t.equal(missing.status, 404)
  t.same(missing.json(), { error: 'no_such_item' }, 'the upstream\'s own answer, untouched')

  const planted = await browser.get(`${stack.gatewayUrl}/api/echo/cookie`, CSRF)
  t.equal(planted.status, 200)
  t.same(planted.setCookies, [], 'an upstream cannot set cookies on the gateway\'s origin')
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  t.equal(me.status, 200, 'the session is intact')
})

t.test('hop-by-hop headers and dot segments', async (t) => {
  const { stack, upstream } = await proxyStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const cookie = Object.entries(browser.cookies(stack.gatewayUrl)).map(([name, value]) => `${name}=${value}`).join('; ')
  const raw = async (path: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> => await new Promise((resolve, reject) => {
    const url = new URL(stack.gatewayUrl)
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers: { ...CSRF, cookie, ...headers } }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })

  const hop = await raw('/api/echo/h', { connection: 'keep-alive, x-hop', 'x-hop': 'secret-to-this-hop', 'x-kept': 'yes', te: 'trailers' })
  const seen = JSON.parse(hop.body)
  t.equal(seen.headers['x-kept'], 'yes')
  t.notOk(seen.headers['x-hop'], 'a header named in Connection stays on this hop')
  t.notOk(seen.headers.te)

  const before = upstream.received.length
  for (const path of ['/api/echo/../admin', '/api/echo/a/%2e%2e/admin', '/api/echo/a%2F..%2Fadmin', '/api/echo/%E0%A4%A']) {
    const refused = await raw(path)
    t.equal(refused.status, 400, path)
    t.equal(JSON.parse(refused.body).error, 'invalid_request', path)
  }
  t.equal(upstream.received.length, before, 'none of them reached the upstream')
})

t.test('a dead upstream gives 502 and a silent one 504, within the bound', async (t) => {
  const { stack } = await proxyStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)

  let started = Date.now()
  const dead = await browser.get(`${stack.gatewayUrl}/api/dead/x`, CSRF)
  t.equal(dead.status, 502)
  t.same(dead.json(), { error: 'upstream_unavailable', message: dead.json().message })
  t.ok(Date.now() - started < 2000, 'refused connections answer at once')

  started = Date.now()
  const slow = await browser.get(`${stack.gatewayUrl}/api/echo/slow`, CSRF)
  const took = Date.now() - started
  t.equal(slow.status, 504)
  t.equal(slow.json().error, 'upstream_timeout')
  t.ok(took >= 900 && took < 3000, `the upstream's 1 s timeout holds (${took} ms)`)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200, 'the session outlives upstream failures')
})

t.test('an access token about to expire is refreshed before it is relayed', async (t) => {
  let refreshGrants = 0
  const { stack, upstream } = await proxyStack(t, {
    accessTokenTtl: 5,
    rotateRefreshTokens: true,
    onTokenGrant: (grant) => { if (grant.grantType === 'refresh_token' && grant.ok) refreshGrants++ }
  }, { TOKEN_REFRESH_MARGIN: '3' })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const first = bearerOf((await browser.get(`${stack.gatewayUrl}/api/echo/a`, CSRF)).json().headers)
  await sleep(2200)
  const burst = await Promise.all(Array.from({ length: 8 }, async () => await browser.get(`${stack.gatewayUrl}/api/echo/b`, CSRF)))
  t.same(burst.map((response) => response.status), Array(8).fill(200))
  const relayed = new Set(burst.map((response) => bearerOf(response.json().headers)))
  t.equal(relayed.size, 1, 'every request of the burst relayed the same fresh token')
  const fresh = [...relayed][0] as string
  t.not(fresh, first, 'a new access token')
  t.equal(refreshGrants, 1, 'exactly one refresh grant')
  t.ok(await userinfoSub(stack.idp.issuer, fresh), 'the fresh token is valid at the provider')
  t.equal(upstream.received.length, 9)
})

t.test('an upload above 1 MiB with Expect: 100-continue, as curl sends it, reaches the upstream intact', async (t) => {
  const { stack, upstream } = await proxyStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const upload = randomBytes(3 * 1024 * 1024 + 17)
  for (const method of ['POST', 'PUT']) {
    const answer = await sendRaw(stack.gatewayUrl, {
      method,
      path: '/api/echo/upload',
      headers: { ...CSRF, cookie: browser.cookieHeader(stack.gatewayUrl), 'content-type': 'application/octet-stream', 'content-length': String(upload.length) },
      body: upload,
      expectContinue: true
    })
    t.equal(answer.status, 200, `${method}: got ${answer.status} ${answer.body.slice(0, 100)}`)
    const seen = upstream.received.at(-1)
    t.equal(seen?.method, method)
    t.equal(seen?.bodyBytes, upload.length, `${method}: every byte arrived`)
    t.equal(seen?.bodySha256, createHash('sha256').update(upload).digest('hex'), `${method}: the same bytes`)
    t.notOk(seen?.headers.expect, 'the upstream is not asked for a 100 Continue of its own')
  }
})

t.test('an upstream\'s answer cannot replace the gateway\'s security headers or open CORS on its origin', async (t) => {
  const { stack } = await proxyStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const own = await browser.get(`${stack.gatewayUrl}/no-such-route`)
  const proxied = await browser.get(`${stack.gatewayUrl}/api/echo/hostile-headers`, CSRF)
  t.equal(proxied.status, 200)
  t.equal(proxied.json().ok, true, 'the upstream\'s body comes through')
  for (const name of Object.keys(HOSTILE_RESPONSE_HEADERS)) {
    t.equal(proxied.headers.get(name), own.headers.get(name), `${name}: ${String(own.headers.get(name))} as on the gateway's own answers, got ${String(proxied.headers.get(name))}`)
  }
  t.match(proxied.headers.get('content-security-policy'), /frame-ancestors 'none'/)
  t.equal(proxied.headers.get('cache-control'), 'no-store')
  t.equal(proxied.headers.get('strict-transport-security'), null, 'no HSTS on an http origin, the upstream\'s included')
  t.same([...proxied.headers.keys()].filter((name) => name.startsWith('access-control-')), [], 'no CORS header')
})

t.test('the upstream learns the client address, host and protocol from the gateway, never from the browser', async (t) => {
  const forged = {
    'x-forwarded-for': '6.6.6.6',
    forwarded: 'for=6.6.6.6;host=evil.example;proto=https',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    'x-real-ip': '6.6.6.6'
  }
  const { stack, upstream } = await proxyStack(t)
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const host = new URL(stack.gatewayUrl).host
  t.equal((await browser.get(`${stack.gatewayUrl}/api/echo/who`, { ...CSRF, ...forged })).status, 200)
  const seen = upstream.received.at(-1)?.headers ?? {}
  t.same({
    'x-forwarded-for': seen['x-forwarded-for'],
    forwarded: seen.forwarded,
    'x-forwarded-host': seen['x-forwarded-host'],
    'x-forwarded-proto': seen['x-forwarded-proto'],
    'x-real-ip': seen['x-real-ip']
  }, {
    'x-forwarded-for': '127.0.0.1',
    forwarded: `for=127.0.0.1;host="${host}";proto=http`,
    'x-forwarded-host': host,
    'x-forwarded-proto': 'http',
    'x-real-ip': '127.0.0.1'
  }, 'the browser\'s own are dropped: the socket\'s address and BASE_URL instead')

  t.test('behind a trusted proxy, the client address Fastify computed from it', async (t) => {
    const { stack, upstream } = await proxyStack(t, {}, { TRUST_PROXY: '127.0.0.1' })
    const browser = new TestBrowser()
    await signInThroughGateway(browser, stack.gatewayUrl)
    // The proxy on loopback appended the address it saw; what the client wrote before it is not believed.
    t.equal((await browser.get(`${stack.gatewayUrl}/api/echo/who`, { ...CSRF, 'x-forwarded-for': '6.6.6.6, 198.51.100.7' })).status, 200)
    const seen = upstream.received.at(-1)?.headers ?? {}
    t.equal(seen['x-forwarded-for'], '198.51.100.7')
    t.equal(seen['x-real-ip'], '198.51.100.7')
    t.match(String(seen.forwarded), /^for=198\.51\.100\.7;/)
  })
})
