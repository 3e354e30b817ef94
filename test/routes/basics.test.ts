import t from 'tap'
import { buildTestApp } from '../helpers/inject-app.js'

t.test('GET /me without a session is a 401 JSON error', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/me' })
  t.equal(res.statusCode, 401)
  t.same(res.json(), { error: 'unauthenticated', message: 'Sign in first' })
  t.notOk(res.headers['set-cookie'], 'no session is created')
})

t.test('GET /me with a forged session cookie is a 401, not a 500', async (t) => {
  const { app } = await buildTestApp(t)
  for (const cookie of ['bff=forged', 'bff=abc.def', 'bff=' + 'x'.repeat(4000), 'bff=%E0%A4%A']) {
    const res = await app.inject({ method: 'GET', url: '/me', headers: { cookie } })
    t.equal(res.statusCode, 401, cookie.slice(0, 20))
    t.equal(res.json().error, 'unauthenticated')
  }
})

t.test('GET /healthz answers while the process lives', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('GET /readyz is 503 while the provider has not been discovered', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(res.statusCode, 503)
  t.same(res.json(), { status: 'not_ready', checks: { provider: 'discovering', sessionStore: 'ok' } })
})

t.test('GET /login while the provider is unreachable is a 503 JSON error', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/login' })
  t.equal(res.statusCode, 503)
  t.equal(res.json().error, 'provider_unavailable')
  t.notOk(res.headers['set-cookie'], 'no half-made session')
})

t.test('GET /login with an unknown eid is a 400', async (t) => {
  const { app } = await buildTestApp(t, { EID_CONNECTIONS: '{"itsme":"criipto-itsme"}' })
  const res = await app.inject({ method: 'GET', url: '/login?eid=bankid' })
  t.equal(res.statusCode, 400)
  t.same(res.json(), { error: 'invalid_request', message: 'Unknown eid; this gateway offers: itsme' })
})

t.test('GET /login with a query that breaks the schema is a 400', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: `/login?returnTo=/${'a'.repeat(3000)}` })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'invalid_request')
})

t.test('GET /callback without a login in progress is invalid_state and makes no session', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/callback', '/callback?state=abc&code=def', '/callback?state=__proto__&code=x', '/callback?error=access_denied']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json().error, 'invalid_state', url)
    t.notOk(res.headers['set-cookie'], `${url}: no cookie`)
  }
})

t.test('GET /logout without a session goes home', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/logout?sid=whatever' })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/')
})

t.test('POST /backchannel-logout refuses bad input with 400 or 415', async (t) => {
  const { app } = await buildTestApp(t)
  const missing = await app.inject({ method: 'POST', url: '/backchannel-logout', payload: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().error, 'invalid_request')
  const json = await app.inject({ method: 'POST', url: '/backchannel-logout', payload: { logout_token: 'x' } })
  t.equal(json.statusCode, 415, 'only form bodies')
  t.equal(json.json().error, 'invalid_request')
})

t.test('an unknown route is a 404 JSON error', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/nope' })
  t.equal(res.statusCode, 404)
  t.same(res.json(), { error: 'not_found', message: 'No such route' })
})
