import t from 'tap'
import { buildTestApp } from '../helpers/inject-app.js'
import { sessionUser } from '../helpers/store-contract.js'
import { TEST_SECRET } from '../helpers/constants.js'
import { Signer } from '@fastify/cookie'
import type { SessionStore } from '../../src/sessions/store.js'

const signer = new Signer([TEST_SECRET], 'sha256')

/** Counts the store's writes, so a test can say none happened. */
function countWrites (store: SessionStore): { readonly count: number } {
  const counter = { count: 0 }
  const create = store.create.bind(store)
  const update = store.update.bind(store)
  store.create = async (...args) => { counter.count++; await create(...args) }
  store.update = async (...args) => { counter.count++; return await update(...args) }
  return counter
}

t.test('an anonymous request gets no cookie and costs no store call at all', async (t) => {
  const { app } = await buildTestApp(t)
  const writes = countWrites(app.sessionStore)
  let reads = 0
  const get = app.sessionStore.get.bind(app.sessionStore)
  app.sessionStore.get = async (...args) => { reads++; return await get(...args) }
  for (const url of ['/me', '/login?eid=nope', '/logout', '/callback']) {
    const res = await app.inject({ method: 'GET', url })
    t.ok(res.statusCode >= 300, `${url} answers ${res.statusCode}`)
    t.equal(res.headers['set-cookie'], undefined, `${url}: no cookie`)
  }
  t.equal(writes.count, 0, 'no write')
  t.equal(reads, 0, 'no read')
})

t.test('a signed-in request that changes nothing writes nothing and sends no cookie', async (t) => {
  const { app } = await buildTestApp(t)
  await app.sessionStore.create('session-one', { user: sessionUser('alice', 'sid-1', { accessTokenExpiresAt: Date.now() + 3_600_000 }) }, 60)
  const writes = countWrites(app.sessionStore)
  const cookie = `bff=${encodeURIComponent(signer.sign('session-one'))}`
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'GET', url: '/me', headers: { cookie } })
    t.equal(res.statusCode, 200)
    t.equal(res.json().sub, 'alice')
    t.equal(res.headers['set-cookie'], undefined, 'no cookie')
  }
  t.equal(writes.count, 0, 'no write')
})

t.test('a forged, unknown or expired session cookie signs nobody in and is cleared', async (t) => {
  const { app } = await buildTestApp(t)
  await app.sessionStore.create('ended', { user: { ...sessionUser('bob', 'sid-2'), expiresAt: Date.now() - 1000 } }, 60)
  await app.sessionStore.create('real', { user: sessionUser('carol', 'sid-3') }, 60)
  const cases: Array<[string, string]> = [
    ['a forged signature', `real.${'A'.repeat(43)}`],
    ['an id the store does not know', signer.sign('never-issued')],
    ['a session past its absolute end', signer.sign('ended')],
    ['another secret\'s signature', new Signer(['z'.repeat(40)], 'sha256').sign('real')]
  ]
  for (const [name, value] of cases) {
    const res = await app.inject({ method: 'GET', url: '/me', headers: { cookie: `bff=${encodeURIComponent(value)}` } })
    t.equal(res.statusCode, 401, name)
    t.match(String(res.headers['set-cookie']), /^bff=;.*Expires=Thu, 01 Jan 1970/, `${name}: cleared`)
  }
  t.equal(await app.sessionStore.get('ended'), undefined, 'the expired session is removed from the store')
  t.ok(await app.sessionStore.get('real'), 'a forged cookie touches no real session')
})

t.test('routes that skip the session ignore the cookie entirely', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/healthz', headers: { cookie: `bff=${encodeURIComponent(`x.${'A'.repeat(43)}`)}` } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['set-cookie'], undefined, 'not even cleared')
})

t.test('a __Host- session cookie is cleared with the attributes it was set with, Secure included', async (t) => {
  const { app } = await buildTestApp(t, { BASE_URL: 'https://app.example.com', TRUST_PROXY: 'loopback' })
  const forged = `__Host-bff=${encodeURIComponent(`stale.${'A'.repeat(43)}`)}`
  const res = await app.inject({ method: 'GET', url: '/me', headers: { cookie: forged } })
  t.equal(res.statusCode, 401)
  const cleared = String(res.headers['set-cookie'])
  t.match(cleared, /^__Host-bff=;/, 'the cookie is cleared')
  // Browsers ignore a __Host- cookie without Secure, so a clear without it would leave the stale one in place.
  for (const attribute of ['Secure', 'Path=/', 'HttpOnly', 'SameSite=Lax']) {
    t.ok(cleared.split('; ').includes(attribute), `with ${attribute}`)
  }
})
