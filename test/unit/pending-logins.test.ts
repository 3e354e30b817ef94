import t from 'tap'
import { beginLogin, LOGIN_TTL_SECONDS, takeLogin, type LoginHolder } from '../../src/sessions/pending-logins.js'
import type { LoginTransaction } from '../../src/sessions/types.js'

const now = Date.now()

function login (state: string, ageSeconds = 0): LoginTransaction {
  return { state, nonce: `n-${state}`, codeVerifier: `v-${state}`, returnTo: '/', eid: undefined, createdAt: now - ageSeconds * 1000 }
}

t.test('a few tabs may log in at once; the oldest go beyond three, expired ones always', async (t) => {
  const session: LoginHolder = {}
  for (const state of ['a', 'b', 'c', 'd']) beginLogin(session, login(state))
  t.same(Object.keys(session.logins ?? {}).sort(), ['b', 'c', 'd'])
  const stale: LoginHolder = { logins: { old: login('old', LOGIN_TTL_SECONDS + 1) } }
  beginLogin(stale, login('new'))
  t.same(Object.keys(stale.logins ?? {}), ['new'], 'an expired login is dropped')
  const before = session.logins
  beginLogin(session, login('e'))
  t.not(session.logins, before, 'the map is replaced, never changed in place')
  t.ok(before?.b, 'so a copy someone holds is unchanged')
})

const refused: Array<[string, LoginHolder, string | undefined]> = [
  ['no state', { logins: { a: login('a') } }, undefined],
  ['a state this browser does not hold', { logins: { a: login('a') } }, 'b'],
  ['no logins at all', {}, 'a'],
  ['an inherited name', { logins: { a: login('a') } }, 'constructor'],
  ['a login past its time', { logins: { a: login('a', LOGIN_TTL_SECONDS + 1) } }, 'a']
]
for (const [name, holder, state] of refused) {
  t.test(`${name}: invalid_state`, async (t) => {
    t.throws(() => takeLogin(holder, state, now), { code: 'invalid_state', statusCode: 400 })
  })
}

t.test('a login is taken once: a replay finds nothing, the others stay', async (t) => {
  const session: LoginHolder = { logins: { a: login('a'), b: login('b') } }
  t.equal(takeLogin(session, 'a', now).codeVerifier, 'v-a')
  t.throws(() => takeLogin(session, 'a', now), { code: 'invalid_state' }, 'replayed')
  t.same(Object.keys(session.logins ?? {}), ['b'])
  takeLogin(session, 'b', now)
  t.equal(session.logins, undefined, 'nothing left: nothing kept')
  const expired: LoginHolder = { logins: { a: login('a', LOGIN_TTL_SECONDS + 1) } }
  t.throws(() => takeLogin(expired, 'a', now))
  t.equal(expired.logins, undefined, 'an expired login is taken too, not left for a retry')
})
