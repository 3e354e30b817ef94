import t from 'tap'
import { MemoryLocks } from '../../src/sessions/locks.js'
import { MemorySessionStore } from '../../src/sessions/memory-store.js'
import { MemoryReplayGuard } from '../../src/sessions/replay-guard.js'
import { sessionTtlSeconds } from '../../src/sessions/store.js'
import type { SessionData, SessionUser } from '../../src/sessions/types.js'
import { checkStoreContract } from '../helpers/store-contract.js'

function user (sub: string, sid: string, expiresAt = Date.now() + 60_000): SessionUser {
  return {
    sub,
    sid,
    claims: { sub },
    tokens: { accessToken: 'at', idToken: 'id', refreshToken: undefined, accessTokenExpiresAt: undefined, scope: undefined, generation: 0 },
    signedInAt: Date.now(),
    expiresAt
  }
}

t.test('the store is bounded: the least recently used session goes first', async (t) => {
  const store = new MemorySessionStore({ maxEntries: 3 })
  for (const id of ['a', 'b', 'c']) await store.create(id, { user: user(`sub-${id}`, `sid-${id}`) }, 60)
  await store.get('a')
  await store.create('d', { user: user('sub-d', 'sid-d') }, 60)
  t.equal(store.size, 3)
  t.ok(await store.get('a'), 'recently read, kept')
  t.equal(await store.get('b'), undefined, 'least recently used, evicted')
  t.equal(await store.destroyBySid('sid-b'), 0, 'the eviction cleaned the index')
})

t.test('a flood of logins in progress never pushes out a signed-in session', async (t) => {
  const store = new MemorySessionStore({ maxEntries: 3 })
  for (const id of ['a', 'b', 'c']) await store.create(id, { user: user(`sub-${id}`, `sid-${id}`) }, 60)
  for (let i = 0; i < 50; i++) await store.create(`flood-${i}`, { logins: {} }, 60)
  for (const id of ['a', 'b', 'c']) t.ok(await store.get(id), `signed-in session ${id} is kept`)
  t.equal(store.pendingLoginCount, 3, 'logins in progress are bounded on their own')
  t.equal(await store.get('flood-0'), undefined, 'the oldest login in progress went first')
  t.ok(await store.get('flood-49'))
  await store.create('flood-49', { user: user('sub-e', 'sid-e') }, 60)
  t.equal(store.pendingLoginCount, 2, 'a finished login moves to the signed-in sessions')
  t.equal(store.size, 3)
})

t.test('entries end after their time to live', async (t) => {
  const store = new MemorySessionStore({ maxEntries: 10 })
  await store.create('short', { logins: {} }, 1)
  t.ok(await store.get('short'))
  await new Promise((resolve) => setTimeout(resolve, 1100))
  t.equal(await store.get('short'), undefined)
})

t.test('a zero time to live deletes instead of storing', async (t) => {
  const store = new MemorySessionStore({ maxEntries: 10 })
  await store.create('x', { user: user('s', 'sid') }, 60)
  t.equal(await store.update('x', { user: user('s', 'sid') }, 0), false)
  t.equal(await store.get('x'), undefined)
  await store.create('y', { user: user('s', 'sid') }, 0)
  t.equal(await store.get('y'), undefined)
})

t.test('the memory store keeps the store contract', async (t) => {
  await checkStoreContract(t, async () => ({ sessions: new MemorySessionStore({ maxEntries: 10 }), replayGuard: new MemoryReplayGuard(), locks: new MemoryLocks() }))
})

// One clock for the table: the rows are built when the file loads, and checked later.
const now = Date.now()
const ttlRows: Array<[string, SessionData, number]> = [
  ['a pending login lives for the login window', { logins: {} }, 600],
  ['a signed-in session lives for the idle timeout', { user: user('s', 'sid', now + 10 * 3600_000) }, 1800],
  ['near its absolute end, the remaining time wins', { user: user('s', 'sid', now + 90_000) }, 90],
  ['past its absolute end, nothing', { user: user('s', 'sid', now - 1000) }, 0]
]
for (const [name, data, expected] of ttlRows) {
  t.test(name, async (t) => {
    t.equal(sessionTtlSeconds(data, 1800, 600, now), expected)
  })
}
