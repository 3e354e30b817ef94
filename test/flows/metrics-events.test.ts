import t from 'tap'
import { signInAtDevIdp, signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack } from '../helpers/gateway.js'
import { redisForTest, REDIS_URL } from '../helpers/redis.js'
import { TestBrowser } from '../helpers/test-browser.js'
import { GatewayError } from '../../src/errors.js'

/** `name` or `name{labels}` → its value; undefined when the series is not exposed. */
async function sample (base: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text()
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

t.test('a login whose session cannot be saved is counted as failed with that code, never as succeeded', async (t) => {
  const stack = await startStack(t)
  const base = stack.gatewayUrl
  const browser = new TestBrowser()
  const login = await browser.get(`${base}/login`)
  t.equal(login.status, 302)
  const callbackUrl = await signInAtDevIdp(browser, login.location as string, 'chris')

  // The callback verified everything; only writing the signed-in session fails.
  const store = stack.app.sessionStore
  const create = store.create.bind(store)
  store.create = async () => { throw new GatewayError('session_store_unavailable', 'down', 503) }
  t.teardown(() => { store.create = create })
  const callback = await browser.get(callbackUrl.href)
  t.equal(callback.status, 503)
  t.equal(callback.json().error, 'session_store_unavailable')
  store.create = create

  t.equal((await browser.get(`${base}/me`)).status, 401, 'nobody is signed in')
  t.equal(await sample(base, 'bff_logins_started_total'), 1)
  t.equal(await sample(base, 'bff_logins_succeeded_total'), 0, 'the handler reported success, but its answer was an error')
  t.equal(await sample(base, 'bff_logins_failed_total{error="session_store_unavailable"}'), 1)
  t.equal(await sample(base, 'bff_active_sessions'), 0)
})

t.test('a refused /login reports no start, and a logout answered with an error ends nothing and counts nothing', async (t) => {
  const stack = await startStack(t)
  const base = stack.gatewayUrl
  const browser = new TestBrowser()
  t.equal((await browser.get(`${base}/login?eid=no-such-eid`)).status, 400)
  t.equal(await sample(base, 'bff_logins_started_total'), 0)
  await signInThroughGateway(browser, base)
  t.equal((await browser.get(`${base}/logout?sid=somebody-else`)).status, 400)
  t.equal((await browser.get(`${base}/me`)).status, 200, 'the session is kept')
  t.equal(await sample(base, 'bff_logouts_total'), 0)
  t.equal(await sample(base, 'bff_logins_failed_total{error="invalid_sid"}'), undefined, 'a logout refusal is no failed login')
})

t.test('with Redis sessions the events are counted and no session gauge is exposed', async (t) => {
  const { prefix } = await redisForTest(t)
  const stack = await startStack(t, { env: { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix } })
  const base = stack.gatewayUrl
  const browser = new TestBrowser()
  await signInThroughGateway(browser, base)
  const me = await browser.get(`${base}/me`)
  t.equal(me.status, 200)
  t.equal((await browser.get(`${base}${me.json().session.logoutUrl as string}`)).status, 302)
  t.equal(await sample(base, 'bff_logins_started_total'), 1)
  t.equal(await sample(base, 'bff_logins_succeeded_total'), 1)
  t.equal(await sample(base, 'bff_logouts_total'), 1)
  t.equal(await sample(base, 'bff_active_sessions'), undefined, 'Redis would need a scan per scrape')
  t.equal(await sample(base, 'bff_pending_logins'), undefined)
})
