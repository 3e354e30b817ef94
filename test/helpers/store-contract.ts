import type { Test } from 'tap'
import type { SessionStore } from '../../src/sessions/store.js'
import type { SessionData, SessionUser, TokenSet } from '../../src/sessions/types.js'


export function sessionUser (sub: string, sid: string, tokens: Partial<TokenSet> = {}): SessionUser {
  return {
    sub,
    sid,
    eid: 'itsme',
    claims: { sub },
    tokens: { accessToken: 'at-0', idToken: 'id', refreshToken: 'rt-0', accessTokenExpiresAt: Date.now() + 60_000, scope: undefined, generation: 0, ...tokens },
    expiresAt: Date.now() + 3_600_000
  }
}

/** What every SessionStore must do, checked the same way for each implementation. */
export async function checkStoreContract (t: Test, makeStore: () => Promise<SessionStore>): Promise<void> {
  await t.test('a write never replaces tokens with an older generation', async (t) => {
    const store = await makeStore()
    const loaded: SessionData = { user: sessionUser('alice', 'sid-a') }
    await store.set('s1', loaded, 60)
    // A refresh lands (perhaps on another instance)...
    await store.set('s1', { user: sessionUser('alice', 'sid-a', { accessToken: 'at-1', refreshToken: 'rt-1', generation: 1 }) }, 60)
    // ...then a request that loaded the session before it saves another change.
    await store.set('s1', { ...loaded, logins: { st: { state: 'st', nonce: 'n', codeVerifier: 'v', returnTo: '/', eid: undefined, createdAt: Date.now() } } }, 60)
    const stored = await store.get('s1')
    t.equal(stored?.user?.tokens.refreshToken, 'rt-1', 'the rotated refresh token is kept')
    t.equal(stored?.user?.tokens.generation, 1)
    t.ok(stored?.logins?.st, 'and the other change is saved too')
    await store.set('s1', { user: sessionUser('alice', 'sid-a', { refreshToken: 'rt-2', generation: 2 }) }, 60)
    t.equal((await store.get('s1'))?.user?.tokens.refreshToken, 'rt-2', 'a newer generation replaces')
  })

  await t.test('a lock has one holder at a time, expires, and is released only by its holder', async (t) => {
    const store = await makeStore()
    const release = await store.lock('refresh:x', 300)
    t.ok(release, 'taken')
    t.equal(await store.lock('refresh:x', 300), undefined, 'held')
    t.ok(await store.lock('refresh:y', 300), 'another name is free')
    await release?.()
    const again = await store.lock('refresh:x', 150)
    t.ok(again, 'free after release')
    await new Promise((resolve) => setTimeout(resolve, 250))
    const taken = await store.lock('refresh:x', 5000)
    t.ok(taken, 'free after expiry')
    await again?.()
    t.equal(await store.lock('refresh:x', 5000), undefined, 'a late release of an expired hold frees nothing')
    await taken?.()
  })

  await t.test('sessions are found by sid and by sub, and destroy cleans the indexes', async (t) => {
    const store = await makeStore()
    await store.set('one', { user: sessionUser('alice', 'sid-1') }, 60)
    await store.set('two', { user: sessionUser('alice', 'sid-2') }, 60)
    await store.set('three', { user: sessionUser('bob', 'sid-3') }, 60)
    t.equal(await store.subjectOfSid('sid-1'), 'alice', 'a sid names its user')
    t.equal(await store.subjectOfSid('sid-none'), undefined)
    t.equal(await store.destroyBySid('sid-1'), 1)
    t.equal(await store.subjectOfSid('sid-1'), undefined, 'not once its sessions are ended')
    t.equal(await store.get('one'), undefined)
    t.ok(await store.get('two'))
    await store.destroy('three')
    t.equal(await store.destroyBySub('bob'), 0, 'destroy left no index entry behind')
    t.equal(await store.destroyBySub('alice'), 1, 'the remaining one of alice')
    t.equal(await store.destroyBySub('nobody'), 0)
  })

  await t.test('a session that expired is not counted or found again through its indexes', async (t) => {
    const store = await makeStore()
    await store.set('old', { user: sessionUser('carol', 'sid-old') }, 1)
    await new Promise((resolve) => setTimeout(resolve, 1200))
    await store.set('new', { user: sessionUser('carol', 'sid-new') }, 60)
    t.equal(await store.get('old'), undefined, 'expired')
    t.equal(await store.destroyBySid('sid-old'), 0, 'its sid ends nothing')
    t.equal(await store.destroyBySub('carol'), 1, 'only the live session of that user is ended')
    t.equal(await store.get('new'), undefined)
  })

  await t.test('remember() says whether a one-time value is new', async (t) => {
    const store = await makeStore()
    t.equal(await store.remember('jti-1', 60), true)
    t.equal(await store.remember('jti-1', 60), false)
  })

  await t.test('the claims directory keeps one profile per sub, for its TTL, until deleted', async (t) => {
    const store = await makeStore()
    const anna = { sub: 'anna', name: 'Anna', nationalNumber: '65070862267', address: { locality: 'Brussel' } }
    t.equal(await store.getClaims('anna'), undefined, 'nothing before a login')
    await store.setClaims('anna', anna, 60)
    await store.setClaims('ben', { sub: 'ben', name: 'Ben' }, 1)
    t.same(await store.getClaims('anna'), anna)
    await store.setClaims('anna', { sub: 'anna', name: 'Anna B.' }, 60)
    t.same(await store.getClaims('anna'), { sub: 'anna', name: 'Anna B.' }, 'the latest login wins')
    await store.deleteClaims('anna')
    t.equal(await store.getClaims('anna'), undefined, 'gone once deleted')
    await store.deleteClaims('nobody')
    await new Promise((resolve) => setTimeout(resolve, 1100))
    t.equal(await store.getClaims('ben'), undefined, 'gone after its TTL')
  })
}
