import type { Test } from 'tap'
import { sessionUserOf, userData } from '../../src/sessions/session-user.js'
import type { Locks, ReplayGuard, SessionStore } from '../../src/sessions/store.js'
import type { SessionData, SessionUser, TokenSet } from '../../src/sessions/types.js'

export function sessionUser (sub: string, sid: string, tokens: Partial<TokenSet> = {}): SessionUser {
  return {
    sub,
    sid,
    claims: { sub },
    tokens: { accessToken: 'at-0', idToken: 'id', refreshToken: 'rt-0', accessTokenExpiresAt: Date.now() + 60_000, scope: undefined, generation: 0, ...tokens },
    signedInAt: Date.now(),
    expiresAt: Date.now() + 3_600_000
  }
}

export interface Stores {
  readonly sessions: SessionStore
  readonly replayGuard: ReplayGuard
  readonly locks: Locks
}

async function usersOf (store: SessionStore, sub: string): Promise<SessionUser[]> {
  return (await store.sessionsOfSub(sub)).map((session) => session.user)
}

const pause = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** What every implementation of the store interfaces must do, checked the same way for each. */
export async function checkStoreContract (t: Test, makeStores: () => Promise<Stores>): Promise<void> {
  await t.test('a write never replaces tokens with an older generation', async (t) => {
    const { sessions: store } = await makeStores()
    const loaded: SessionData = { user: sessionUser('alice', 'sid-a') }
    await store.create('s1', loaded, 60)
    // A refresh lands (perhaps on another instance)...
    t.equal(await store.update('s1', { user: sessionUser('alice', 'sid-a', { accessToken: 'at-1', refreshToken: 'rt-1', generation: 1 }) }, 60), true)
    // ...then a request that loaded the session before it saves another change.
    t.equal(await store.update('s1', { ...loaded, logins: { st: { state: 'st', nonce: 'n', codeVerifier: 'v', returnTo: '/', eid: undefined, createdAt: Date.now() } } }, 60), true)
    const stored = await store.get('s1')
    t.equal(stored?.user?.tokens.refreshToken, 'rt-1', 'the rotated refresh token is kept')
    t.equal(stored?.user?.tokens.generation, 1)
    t.ok(stored?.logins?.st, 'and the other change is saved too')
    await store.update('s1', { user: sessionUser('alice', 'sid-a', { refreshToken: 'rt-2', generation: 2 }) }, 60)
    t.equal((await store.get('s1'))?.user?.tokens.refreshToken, 'rt-2', 'a newer generation replaces')
  })

  await t.test('a user as a session holds it is stored whole, not as its JSON form', async (t) => {
    const { sessions: store } = await makeStores()
    const user = sessionUserOf(sessionUser('fay', 'sid-f', { idToken: 'id-token-of-fay' }))
    t.same(JSON.parse(JSON.stringify(user)), { revision: (user as unknown as { toJSON (): { revision: number } }).toJSON().revision }, 'its JSON form is a revision')
    await store.create('whole', { user, createdAt: 1 }, 60)
    const stored = await store.get('whole')
    const fields = (value: SessionUser | undefined): unknown => value === undefined ? undefined : JSON.parse(JSON.stringify(userData(value)))
    t.same(fields(stored?.user), fields(user), 'every field comes back')
    t.equal(stored?.user?.tokens.idToken, 'id-token-of-fay')
    t.equal(stored?.createdAt, 1)
  })

  await t.test('an update never brings back a session that ended meanwhile', async (t) => {
    const { sessions: store } = await makeStores()
    const user = sessionUser('dora', 'sid-d')
    t.equal(await store.update('never-created', { user }, 60), false, 'no session to update')
    t.equal(await store.get('never-created'), undefined, 'and none was made')
    await store.create('ends', { user }, 60)
    await store.destroy('ends')
    t.equal(await store.update('ends', { user: sessionUser('dora', 'sid-d', { generation: 1 }) }, 60), false, 'a logout won the race')
    t.equal(await store.get('ends'), undefined, 'the session stays ended')
    t.same(await usersOf(store, 'dora'), [], 'and is not found through its indexes')
    await store.create('short', { user }, 1)
    await pause(1200)
    t.equal(await store.update('short', { user }, 60), false, 'an idle timeout ended it')
    t.equal(await store.get('short'), undefined)
    await store.create('pending', { logins: {} }, 60)
    t.equal(await store.update('pending', { logins: {} }, 60), true, 'a login in progress is updated in place')
  })

  await t.test('a lock has one holder at a time, expires, and is released only by its holder', async (t) => {
    const { locks } = await makeStores()
    const release = await locks.acquire('refresh:x', 300)
    t.ok(release, 'taken')
    t.equal(await locks.acquire('refresh:x', 300), undefined, 'held')
    t.ok(await locks.acquire('refresh:y', 300), 'another name is free')
    await release?.()
    const again = await locks.acquire('refresh:x', 150)
    t.ok(again, 'free after release')
    await pause(250)
    const taken = await locks.acquire('refresh:x', 5000)
    t.ok(taken, 'free after expiry')
    await again?.()
    t.equal(await locks.acquire('refresh:x', 5000), undefined, 'a late release of an expired hold frees nothing')
    await taken?.()
  })

  await t.test('sessions are found by sid and by sub, and destroy cleans the indexes', async (t) => {
    const { sessions: store } = await makeStores()
    await store.create('one', { user: sessionUser('alice', 'sid-1') }, 60)
    await store.create('two', { user: sessionUser('alice', 'sid-2') }, 60)
    await store.create('three', { user: sessionUser('bob', 'sid-3') }, 60)
    t.same((await usersOf(store, 'alice')).map((user) => user.sid).sort(), ['sid-1', 'sid-2'], 'a subject names its sessions\' users')
    t.same(await usersOf(store, 'nobody'), [])
    t.equal(await store.destroyBySid('sid-1'), 1)
    t.same((await usersOf(store, 'alice')).map((user) => user.sid), ['sid-2'], 'not once that session is ended')
    t.equal(await store.get('one'), undefined)
    t.ok(await store.get('two'))
    await store.destroy('three')
    t.equal(await store.destroyBySub('bob'), 0, 'destroy left no index entry behind')
    t.equal(await store.destroyBySub('alice'), 1, 'the remaining one of alice')
    t.equal(await store.destroyBySub('nobody'), 0)
  })

  await t.test('a subject\'s sessions are listed under handles, with when each was last used, and ended one by one', async (t) => {
    const { sessions: store } = await makeStores()
    const before = Date.now()
    await store.create('phone-session-id', { user: sessionUser('gil', 'sid-phone'), createdAt: before }, 60)
    await store.create('laptop-session-id', { user: sessionUser('gil', 'sid-laptop'), createdAt: before }, 60)
    await store.create('other-person-id', { user: sessionUser('hana', 'sid-h'), createdAt: before }, 60)
    const listed = await store.sessionsOfSub('gil')
    t.same(listed.map((session) => session.user.sid).sort(), ['sid-laptop', 'sid-phone'])
    for (const session of listed) {
      t.notOk(session.handle.includes('session-id'), 'a handle does not give the id away')
      t.ok(session.lastSeenAt >= before - 5 && session.lastSeenAt <= Date.now() + 5, 'last seen at its creation')
    }
    t.not(listed[0]?.handle, listed[1]?.handle)
    await pause(120)
    await store.get('phone-session-id')
    const again = await store.sessionsOfSub('gil')
    const phone = again.find((session) => session.user.sid === 'sid-phone')
    const laptop = again.find((session) => session.user.sid === 'sid-laptop')
    const first = (sid: string): number => listed.find((session) => session.user.sid === sid)?.lastSeenAt ?? 0
    t.ok((phone?.lastSeenAt ?? 0) >= first('sid-phone') + 100, 'a request moves its last-seen time')
    t.ok(Math.abs((laptop?.lastSeenAt ?? Infinity) - first('sid-laptop')) <= 20, 'listing does not')
    t.equal(await store.destroyByHandle('hana', phone?.handle ?? ''), false, 'another subject\'s handle ends nothing')
    t.equal(await store.destroyByHandle('gil', 'no-such-handle'), false)
    t.equal(await store.destroyByHandle('gil', phone?.handle ?? ''), true)
    t.equal(await store.get('phone-session-id'), undefined, 'that session is ended')
    t.ok(await store.get('laptop-session-id'), 'the other is not')
    t.same((await store.sessionsOfSub('gil')).map((session) => session.user.sid), ['sid-laptop'])
    t.equal(await store.destroyBySid('sid-phone'), 0, 'and its indexes are clean')
  })

  await t.test('a session that expired or passed its absolute end is not found again through its indexes', async (t) => {
    const { sessions: store } = await makeStores()
    await store.create('old', { user: sessionUser('carol', 'sid-old') }, 1)
    await store.create('ended', { user: { ...sessionUser('carol', 'sid-ended'), expiresAt: Date.now() - 1000 } }, 60)
    await pause(1200)
    await store.create('new', { user: sessionUser('carol', 'sid-new') }, 60)
    t.equal(await store.get('old'), undefined, 'expired')
    t.same((await usersOf(store, 'carol')).map((user) => user.sid), ['sid-new'], 'only the live session of that user')
    t.equal(await store.destroyBySid('sid-old'), 0, 'its sid ends nothing')
    t.ok(await store.destroyBySub('carol') >= 1, 'ending the user ends its live session')
    t.equal(await store.get('new'), undefined)
  })

  await t.test('looking a user\'s sessions up does not slide their idle timers', async (t) => {
    const { sessions: store } = await makeStores()
    await store.create('idle', { user: sessionUser('erin', 'sid-e') }, 2)
    for (let i = 0; i < 4; i++) {
      t.equal((await usersOf(store, 'erin')).length, 1, `found within its idle time (${i + 1})`)
      await pause(400)
    }
    await pause(700)
    t.same(await usersOf(store, 'erin'), [], 'ended by its idle timeout all the same')
  })

  await t.test('the replay guard refuses a recorded value until it expires', async (t) => {
    const { replayGuard } = await makeStores()
    t.equal(await replayGuard.seen('jti-1'), false, 'new')
    t.equal(await replayGuard.seen('jti-1'), false, 'looking does not record')
    await replayGuard.record('jti-1', 1)
    t.equal(await replayGuard.seen('jti-1'), true, 'recorded')
    t.equal(await replayGuard.seen('jti-2'), false, 'another value is new')
    await replayGuard.record('jti-1', 1)
    await pause(1200)
    t.equal(await replayGuard.seen('jti-1'), false, 'forgotten after its time')
  })
}
