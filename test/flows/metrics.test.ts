import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { cancelAtDevIdp, logoutAtDevIdp, signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack } from '../helpers/gateway.js'
import { buildTestApp } from '../helpers/inject-app.js'
import { startRecordingUpstream } from '../helpers/recording-upstream.js'
import { TestBrowser } from '../helpers/test-browser.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { loadConfig } from '../../src/config/index.js'
import { GatewayError } from '../../src/errors.js'

interface Sample { readonly name: string, readonly labels: Readonly<Record<string, string>>, readonly value: number }

/** The samples of a text exposition: `name{label="value",…} number` lines. */
function parseExposition (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null) throw new Error(`not an exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const label of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[label[1] as string] = label[2] as string
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) })
  }
  return samples
}

/** The sum of a metric's samples whose labels include `labels`. */
function total (samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0)
}

function seriesOf (samples: Sample[], name: string): Array<Record<string, string>> {
  return samples.filter((sample) => sample.name === name).map((sample) => sample.labels)
}

async function scrape (base: string): Promise<{ text: string, samples: Sample[] }> {
  const res = await fetch(`${base}/metrics`)
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`)
  const text = await res.text()
  return { text, samples: parseExposition(text) }
}

const AUTH_COUNTERS = [
  'bff_logins_started_total', 'bff_logins_succeeded_total', 'bff_logins_failed_total', 'bff_logouts_total',
  'bff_backchannel_logouts_total', 'bff_backchannel_logouts_rejected_total',
  'bff_token_refresh_grants_total', 'bff_token_refresh_failures_total'
]

t.test('logins, a failed callback, refreshes, a proxied call and both logouts move their counters by exactly what happened, and no label names anyone', async (t) => {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  // Access tokens live 30 s and are refreshed within 60 s of expiry: every use of one is a refresh grant.
  const stack = await startStack(t, {
    env: { TOKEN_REFRESH_MARGIN: '60', UPSTREAMS: JSON.stringify({ orders: upstream.url }) },
    idp: { accessTokenTtl: 30 }
  })
  const base = stack.gatewayUrl

  const before = await scrape(base)
  for (const name of AUTH_COUNTERS) t.equal(total(before.samples, name), 0, `${name} starts at 0`)
  t.equal(total(before.samples, 'bff_active_sessions'), 0)
  t.ok(before.samples.some((sample) => sample.name === 'process_cpu_user_seconds_total'), 'process metrics')
  t.ok(before.samples.some((sample) => sample.name === 'nodejs_heap_size_used_bytes'), 'Node metrics')

  // A signs in; a second browser cancels at the provider; a third opens a callback it never started.
  const a = new TestBrowser()
  await signInThroughGateway(a, base)
  const cancelled = new TestBrowser()
  const cancelledLogin = await cancelled.get(`${base}/login`)
  const denied = await cancelled.get((await cancelAtDevIdp(cancelled, cancelledLogin.location as string)).href)
  t.equal(denied.json().error, 'access_denied')
  const stranger = await new TestBrowser().get(`${base}/callback?state=nobody&code=x`)
  t.equal(stranger.json().error, 'invalid_state')

  // A's first /me and its proxied call each refresh the token; a call without X-CSRF never reaches the upstream.
  const me = await a.get(`${base}/me`)
  t.equal(me.status, 200)
  const session = me.json().session as { sid: string, logoutUrl: string }
  t.equal((await a.get(`${base}/api/orders/items?owner=${encodeURIComponent(CHRIS_PROFILE.sub)}`, { 'x-csrf': '1' })).status, 200)
  t.equal((await a.get(`${base}/api/orders/items`)).status, 403)

  // B signs in, then out at the provider, which tells the gateway on the back channel; a forged token is refused.
  const b = new TestBrowser()
  await signInThroughGateway(b, base)
  t.equal(total((await scrape(base)).samples, 'bff_active_sessions'), 2, 'two signed-in sessions')
  await logoutAtDevIdp(b, new URL('/session/end', stack.idp.issuer).href)
  let backchannel = 0
  for (let i = 0; i < 100 && backchannel === 0; i++) {
    backchannel = total((await scrape(base)).samples, 'bff_backchannel_logouts_total')
    if (backchannel === 0) await sleep(20)
  }
  t.equal(backchannel, 1, 'the back-channel logout is counted')
  t.equal((await new TestBrowser().post(`${base}/backchannel-logout`, { logout_token: 'not-a-jwt' })).status, 400)

  // The provider goes away: A's next refresh fails (the profile is still served), then A signs out.
  await stack.idp.close()
  t.equal((await a.get(`${base}/me`)).status, 200, 'served without the provider')
  const logout = await a.get(`${base}${session.logoutUrl}`)
  t.equal(logout.status, 302)
  t.equal((await a.get(`${base}/logout`)).status, 302, 'a logout without a session ends nothing')
  t.equal((await a.get(`${base}/no/such/${encodeURIComponent(session.sid)}?sub=${encodeURIComponent(CHRIS_PROFILE.sub)}`)).status, 404)

  const { text, samples } = await scrape(base)
  t.equal(total(samples, 'bff_logins_started_total'), 3, 'A, the cancelled one and B')
  t.equal(total(samples, 'bff_logins_succeeded_total'), 2, 'A and B')
  t.same(seriesOf(samples, 'bff_logins_failed_total').sort((x, y) => String(x.error).localeCompare(String(y.error))), [{ error: 'access_denied' }, { error: 'invalid_state' }])
  t.equal(total(samples, 'bff_logins_failed_total', { error: 'access_denied' }), 1)
  t.equal(total(samples, 'bff_logins_failed_total', { error: 'invalid_state' }), 1)
  t.equal(total(samples, 'bff_token_refresh_grants_total'), 3, '/me, the proxied call, and /me without the provider')
  t.equal(total(samples, 'bff_token_refresh_failures_total'), 1, 'the one without the provider')
  t.match(seriesOf(samples, 'bff_token_refresh_failures_total'), [{ error: /^provider_(unavailable|timeout)$/ }])
  t.equal(total(samples, 'bff_backchannel_logouts_total'), 1)
  t.same(seriesOf(samples, 'bff_backchannel_logouts_rejected_total'), [{ error: 'logout_token_invalid' }])
  t.equal(total(samples, 'bff_backchannel_logouts_rejected_total'), 1)
  t.equal(total(samples, 'bff_logouts_total'), 1, 'only the logout that ended a session')
  t.equal(total(samples, 'bff_active_sessions'), 0, 'no session left')
  t.equal(total(samples, 'bff_pending_logins'), 0, 'no login left in progress')

  t.equal(total(samples, 'bff_upstream_request_duration_seconds_count', { upstream: 'orders' }), 1, 'one call reached the upstream')
  t.equal(total(samples, 'bff_upstream_request_duration_seconds_count', { upstream: 'orders', status_code: '200' }), 1)
  t.equal(upstream.received.length, 1)

  const requests = (labels: Record<string, string>): number => total(samples, 'bff_http_requests_total', labels)
  t.equal(requests({ route: '/login', status_code: '302' }), 3)
  t.equal(requests({ route: '/callback', status_code: '302' }), 2)
  t.equal(requests({ route: '/callback', status_code: '400' }), 1)
  t.equal(requests({ route: '/callback', status_code: '403' }), 1)
  t.equal(requests({ route: '/me', status_code: '200' }), 2)
  t.equal(requests({ route: '/api/orders/*', status_code: '200' }), 1, 'the route pattern, not the URL')
  t.equal(requests({ route: '/api/orders/*', status_code: '403' }), 1)
  t.equal(requests({ route: '/logout', status_code: '302' }), 2)
  t.equal(requests({ method: 'POST', route: '/backchannel-logout', status_code: '200' }), 1)
  t.equal(requests({ route: 'unmatched', status_code: '404' }), 1, 'unknown URLs share one label')
  t.equal(total(samples, 'bff_http_request_duration_seconds_count', { route: '/me' }), 2, 'and each has a latency')

  const routes = new Set(seriesOf(samples, 'bff_http_requests_total').map((labels) => labels.route))
  for (const route of routes) t.ok(route === 'unmatched' || stack.app.hasRoute({ method: 'GET', url: route as string }) || stack.app.hasRoute({ method: 'POST', url: route as string }), `${String(route)} is a route pattern`)

  const values = samples.flatMap((sample) => Object.values(sample.labels))
  const secrets = [CHRIS_PROFILE.sub, session.sid, CHRIS_PROFILE.nationalNumber, 'eyJ', 'nobody', '/no/such', 'items', 'owner']
  for (const secret of secrets) {
    t.notOk(values.some((value) => value.includes(secret)), `no label value holds ${secret}`)
    t.notOk(text.includes(secret), `the exposition never holds ${secret}`)
  }
  const cookie = Object.values(a.cookies(base))[0]
  if (cookie !== undefined) t.notOk(text.includes(cookie.split('.')[0] as string), 'nor a session id')
})

t.test('METRICS_TOKEN: a bearer token compared in constant time; 401 without it or with a wrong one', async (t) => {
  const token = 'metrics-token-0123456789abcdef'
  const { app } = await buildTestApp(t, { METRICS_TOKEN: token })
  const attempts: Array<[string, Record<string, string>]> = [
    ['no header', {}],
    ['a wrong token of the same length', { authorization: `Bearer ${token.slice(0, -1)}x` }],
    ['a shorter token', { authorization: `Bearer ${token.slice(0, -1)}` }],
    ['the token with a suffix', { authorization: `Bearer ${token}x` }],
    ['another scheme', { authorization: `Basic ${token}` }],
    ['the bare token', { authorization: token }]
  ]
  for (const [name, headers] of attempts) {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers })
    t.equal(res.statusCode, 401, name)
    t.same(res.json(), { error: 'unauthenticated', message: 'Send the metrics token as a bearer token' }, name)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="metrics"', name)
  }
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(res.body, /^# HELP bff_http_requests_total /m)
  t.equal(total(parseExposition(res.body), 'bff_http_requests_total', { route: '/metrics', status_code: '401' }), attempts.length, 'refused scrapes are counted too')

  t.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), { name: 'ConfigError', message: /^METRICS_TOKEN must be at least 16 characters/ })
  t.throws(() => loadConfig({ METRICS_TOKEN: 'has spaces in the middle of it' }), { name: 'ConfigError', message: /^METRICS_TOKEN / })
})

t.test('/metrics needs no session, no X-CSRF and is not rate limited; it answers while the session store is down', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_LOGIN: '1', RATE_LIMIT_BACKCHANNEL: '1', RATE_LIMIT_INTERNAL: '1' })
  const store = app.sessionStore
  store.get = async () => { throw new GatewayError('session_store_unavailable', 'down', 503) }
  for (let i = 0; i < 5; i++) {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { cookie: 'bff=anything.signed' } })
    t.equal(res.statusCode, 200, `scrape ${i + 1}`)
    t.equal(res.headers['x-ratelimit-limit'], undefined, 'no rate limit')
    t.equal(res.headers['set-cookie'], undefined, 'no session')
  }
})

t.test('each gateway counts into its own registry: two apps in one process do not clash', async (t) => {
  const { app: first } = await buildTestApp(t)
  const { app: second } = await buildTestApp(t)
  for (let i = 0; i < 3; i++) await first.inject({ method: 'GET', url: '/healthz' })
  const count = async (app: typeof first): Promise<number> =>
    total(parseExposition((await app.inject({ method: 'GET', url: '/metrics' })).body), 'bff_http_requests_total', { route: '/healthz' })
  t.equal(await count(first), 3)
  t.equal(await count(second), 0)
})
