import t, { type Test } from 'tap'
import type { AddressInfo } from 'node:net'
import { Signer } from '@fastify/cookie'
import { buildTestApp } from '../helpers/inject-app.js'
import { sendRaw } from '../helpers/hostile-requests.js'
import { TEST_SECRET } from '../helpers/constants.js'
import { GatewayError } from '../../src/errors.js'

t.test('every response carries the hardening headers and is not cached', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/me', '/healthz', '/no-such-route', '/callback?state=x']) {
    const res = await app.inject({ method: 'GET', url })
    const csp = String(res.headers['content-security-policy'])
    t.match(csp, /default-src 'self'/, `${url}: a content security policy`)
    t.match(csp, /script-src 'self'(;|$)/, `${url}: no inline or foreign scripts`)
    t.match(csp, /frame-ancestors 'none'/, `${url}: never framed`)
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['referrer-policy'], 'no-referrer')
    t.equal(res.headers['cache-control'], 'no-store', `${url}: not cached`)
    t.equal(res.headers['strict-transport-security'], undefined, 'no HSTS on an http origin')
  }
})

t.test('HSTS when the gateway is served over https', async (t) => {
  const { app } = await buildTestApp(t, { BASE_URL: 'https://app.example.com' })
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.match(String(res.headers['strict-transport-security']), /max-age=31536000; includeSubDomains/)
})

/** The headers every answer must carry, refusals included. */
function assertHardened (t: Test, headers: Record<string, unknown>, what: string): void {
  t.match(String(headers['content-security-policy']), /default-src 'self'.*frame-ancestors 'none'/, `${what}: the content security policy`)
  t.equal(headers['x-content-type-options'], 'nosniff', `${what}: nosniff`)
  t.equal(headers['x-frame-options'], 'SAMEORIGIN', `${what}: not framed`)
  t.equal(headers['referrer-policy'], 'no-referrer', `${what}: no referrer`)
  t.equal(headers['cache-control'], 'no-store', `${what}: not cached`)
}

t.test('refusals from any onRequest hook carry the hardening headers too', async (t) => {
  const { app } = await buildTestApp(t, { UPSTREAMS: '{"orders":"http://127.0.0.1:9"}', RATE_LIMIT_LOGIN: '1' })

  const csrf = await app.inject({ method: 'POST', url: '/api/orders/items' })
  t.equal(csrf.statusCode, 403)
  t.equal(csrf.json().error, 'csrf_required')
  assertHardened(t, csrf.headers, 'the CSRF refusal')

  await app.inject({ method: 'GET', url: '/login' })
  const limited = await app.inject({ method: 'GET', url: '/login' })
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().error, 'rate_limited')
  assertHardened(t, limited.headers, 'the rate-limit refusal')

  app.sessionStore.get = async () => { throw new GatewayError('session_store_unavailable', 'down', 503) }
  const down = await app.inject({ method: 'GET', url: '/me', headers: { cookie: `bff=${new Signer(TEST_SECRET).sign('a-session-id')}` } })
  t.equal(down.statusCode, 503)
  t.equal(down.json().error, 'session_store_unavailable')
  assertHardened(t, down.headers, 'the session store\'s 503')

  const badUrl = await app.inject({ method: 'GET', url: '/%E0%A4%A' })
  t.equal(badUrl.statusCode, 400)
  assertHardened(t, badUrl.headers, 'a URL that does not decode')

  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  for (const path of [`http://127.0.0.1:${port}/healthz`, '*']) {
    const refused = await sendRaw(`http://127.0.0.1:${port}`, { method: 'OPTIONS', path, headers: {}, body: undefined })
    t.equal(refused.status, 400, path)
    assertHardened(t, refused.headers, `the request-target refusal of ${path}`)
  }
})
