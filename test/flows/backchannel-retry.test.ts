import t from 'tap'
import { Redis } from 'ioredis'
import { startRedisServer } from '../helpers/redis-servers.js'
import { startRogueStack } from '../helpers/rogue-stack.js'
import { TEST_CLIENT_ID } from '../helpers/gateway.js'
import { TestBrowser } from '../helpers/test-browser.js'

const LOGOUT_EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} }

/*
 * The session store fails while a back-channel logout ends the sessions. The
 * provider retries (OIDC Back-Channel Logout 1.0, 2.8: a relying party that
 * could not log out answers an error, and the provider may send it again);
 * the retry must end the session, not be refused as a replay.
 */
t.test('a back-channel logout that met a store failure ends the session when the provider retries it', async (t) => {
  const redis = await startRedisServer(t)
  // The gateway's own Redis user, so that one command can be taken from it and given back.
  const admin = new Redis(redis.url)
  t.teardown(() => admin.disconnect())
  await admin.call('ACL', 'SETUSER', 'gateway', 'on', '>gateway-password', '~*', '&*', '+@all')
  const stack = await startRogueStack(t, undefined, {
    SESSION_STORE: 'redis',
    REDIS_URL: `redis://gateway:gateway-password@127.0.0.1:${redis.port}`
  })
  const { provider, gatewayUrl } = stack
  const { browser } = await stack.attempt(t, {})
  const me = await browser.get(`${gatewayUrl}/me`)
  t.equal(me.status, 200, 'signed in')
  const sid = me.json().session.sid as string

  const now = Math.floor(Date.now() / 1000)
  const logoutToken = await provider.signToken({
    iss: provider.issuer, aud: TEST_CLIENT_ID, iat: now, exp: now + 120, jti: `jti-${now}-retry`, sid, sub: provider.subject, events: LOGOUT_EVENT
  })

  // Ending sessions by sid reads the sid's index: that read now fails.
  await admin.call('ACL', 'SETUSER', 'gateway', '-zrangebyscore')
  const failed = await new TestBrowser().post(`${gatewayUrl}/backchannel-logout`, { logout_token: logoutToken })
  t.equal(failed.status, 503, 'the store failure is a 503, which tells the provider to retry')
  t.equal(failed.json().error, 'session_store_unavailable')

  await admin.call('ACL', 'SETUSER', 'gateway', '+zrangebyscore')
  t.equal((await browser.get(`${gatewayUrl}/me`)).status, 200, 'the session still lives: nothing was ended')
  const retried = await new TestBrowser().post(`${gatewayUrl}/backchannel-logout`, { logout_token: logoutToken })
  t.equal(retried.status, 200, `the provider's retry is accepted (${retried.text})`)
  t.equal((await browser.get(`${gatewayUrl}/me`)).status, 401, 'and ends the session')

  const replayed = await new TestBrowser().post(`${gatewayUrl}/backchannel-logout`, { logout_token: logoutToken })
  t.equal(replayed.status, 400, 'once it has ended the sessions, the same token is a replay')
  t.equal(replayed.json().error, 'logout_token_invalid')
})
