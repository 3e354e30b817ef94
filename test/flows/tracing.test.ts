import t, { type Test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { SpanKind } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace'
import { startTracingSdk } from '../../src/tracing/sdk.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { logoutAtDevIdp, signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js'
import { TestBrowser } from '../helpers/test-browser.js'

/*
 * The SDK as the server starts it (src/tracing/sdk.ts: its context manager,
 * its W3C propagator, its resource), with the spans kept in memory instead
 * of exported. One SDK per process, as in the server.
 */
const exporter = new InMemorySpanExporter()
const sdk = startTracingSdk({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
t.teardown(async () => { await sdk.shutdown() })

/** Every attribute name a gateway span may carry (src/tracing/types.ts): anything else is a new, unreviewed one. */
const ALLOWED_ATTRIBUTES = new Set([
  'http.request.method', 'http.route', 'http.response.status_code', 'url.scheme', 'server.address', 'server.port',
  'error.type', 'db.system.name', 'db.operation.name', 'bff.upstream', 'bff.session_store'
])

const CALLER = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }
const traceparent = (traceId: string, spanId: string, flags = '01'): string => `00-${traceId}-${spanId}-${flags}`

const idOf = (span: ReadableSpan): string => span.spanContext().spanId
const traceOf = (span: ReadableSpan): string => span.spanContext().traceId
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId

/** The server span ends once its answer went out, which the browser may see first: wait for it. */
async function serverSpan (name: string, traceId?: string): Promise<ReadableSpan> {
  for (let i = 0; i < 100; i++) {
    const found = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER && span.name === name && (traceId === undefined || traceOf(span) === traceId))
    if (found !== undefined) return found
    await sleep(20)
  }
  throw new Error(`no finished server span ${name}`)
}

function childrenOf (parent: ReadableSpan): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => parentOf(span) === idOf(parent) && traceOf(span) === traceOf(parent))
}

async function childNamed (t: Test, parent: ReadableSpan, name: string): Promise<ReadableSpan | undefined> {
  for (let i = 0; i < 100; i++) {
    const found = childrenOf(parent).find((span) => span.name === name)
    if (found !== undefined) return found
    await sleep(20)
  }
  t.fail(`${parent.name} has no child ${name}; it has ${childrenOf(parent).map((span) => span.name).join(', ')}`)
  return undefined
}

/** Everything a span carries that a collector would store, as one string. */
function exported (span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    links: span.links,
    status: span.status,
    traceState: span.spanContext().traceState?.serialize(),
    resource: span.resource.attributes
  })
}

/** A secret and, for a JWT, each part long enough to be telling: a span holding half a token leaks too. */
function piecesOf (secret: string): string[] {
  return [secret, ...secret.split('.').filter((part) => part.length >= 16)]
}

async function tracedStack (t: Test): Promise<{ stack: Stack, upstream: RecordingUpstream }> {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  const stack = await startStack(t, {
    env: {
      // What turns tracing on; the spans themselves go to the in-memory exporter above.
      OTEL_TRACES_EXPORTER: 'otlp',
      UPSTREAMS: JSON.stringify({ echo: `${upstream.url}/base` }),
      OIDC_PAR: 'true',
      // Every use of the access token finds it due: each /api call makes a refresh grant.
      TOKEN_REFRESH_MARGIN: '7200'
    },
    idp: { accessTokenTtl: 3600 }
  })
  return { stack, upstream }
}

t.test('a login, /me, an /api call and a logout are traced: server spans by route, their children, the caller\'s trace kept and passed on', async (t) => {
  const { stack, upstream } = await tracedStack(t)
  const browser = new TestBrowser()
  const gateway = stack.gatewayUrl
  exporter.reset()

  // /login, as a frontend with its own tracing would call it: a child of the caller's span.
  const login = await browser.get(`${gateway}/login?returnTo=/me`, { traceparent: traceparent(CALLER.traceId, CALLER.spanId) })
  t.equal(login.status, 302)
  const loginSpan = await serverSpan('GET /login')
  t.equal(traceOf(loginSpan), CALLER.traceId, 'the caller\'s trace id is kept')
  t.equal(parentOf(loginSpan), CALLER.spanId, 'the request\'s span is a child of the caller\'s')
  t.equal(loginSpan.parentSpanContext?.isRemote, true)
  t.same(loginSpan.attributes, {
    'http.request.method': 'GET',
    'http.route': '/login',
    'http.response.status_code': 302,
    'url.scheme': 'http',
    'server.address': '127.0.0.1',
    'server.port': Number(new URL(gateway).port)
  })
  const par = await childNamed(t, loginSpan, 'oidc.pushed_authorization_request')
  t.equal(par?.kind, SpanKind.CLIENT)
  t.equal(par?.attributes['server.address'], '127.0.0.1', 'the provider\'s host')
  t.ok(await childNamed(t, loginSpan, 'session_store.create'), 'the login state is written under the login\'s span')

  // /callback: no traceparent, so a trace of its own, with the code exchange inside it.
  const callbackUrl = await signInAtDevIdp(browser, login.location as string, 'chris')
  const code = callbackUrl.searchParams.get('code') as string
  const state = callbackUrl.searchParams.get('state') as string
  t.match(code, /^[\w-]{20,}$/, 'the provider sent a code')
  const preLoginCookie = browser.cookies(gateway).bff as string
  t.equal((await browser.get(callbackUrl.href)).status, 302)
  const signedInCookie = browser.cookies(gateway).bff as string
  t.not(signedInCookie, preLoginCookie, 'a new session at the callback')
  const callbackSpan = await serverSpan('GET /callback')
  t.notOk(callbackSpan.parentSpanContext, 'without a traceparent the request starts a trace')
  t.not(traceOf(callbackSpan), CALLER.traceId)
  const exchange = await childNamed(t, callbackSpan, 'oidc.authorization_code_grant')
  t.equal(exchange?.kind, SpanKind.CLIENT)
  t.same(exchange?.status, { code: 0 }, 'the exchange succeeded')
  t.ok(await childNamed(t, callbackSpan, 'session_store.get'), 'the login state is read')
  t.ok(await childNamed(t, callbackSpan, 'session_store.create'), 'the signed-in session is written')
  t.ok(exchange !== undefined && exchange.startTime[0] * 1e9 + exchange.startTime[1] >= callbackSpan.startTime[0] * 1e9 + callbackSpan.startTime[1], 'the exchange happens within the callback')

  // /me with another caller trace.
  const meTrace = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
  const me = await browser.get(`${gateway}/me`, { traceparent: traceparent(meTrace, 'b7ad6b7169203331') })
  t.equal(me.status, 200)
  const profile = me.json()
  const meSpan = await serverSpan('GET /me', meTrace)
  t.equal(parentOf(meSpan), 'b7ad6b7169203331')
  t.equal(meSpan.kind, SpanKind.SERVER)
  t.ok(await childNamed(t, meSpan, 'session_store.get'))

  // An /api call whose path and query name the person: a refresh, then the upstream, all in the caller's trace.
  const apiTrace = '0af7651916cd43dd8448eb211c80319c'
  const callerSpan = 'b9c7c989f97918e1'
  const api = await browser.get(`${gateway}/api/echo/people/${profile.nationalNumber as string}?owner=${encodeURIComponent(profile.sub as string)}&code=${code}`, {
    'x-csrf': '1',
    traceparent: traceparent(apiTrace, callerSpan),
    tracestate: 'frontend=1'
  })
  t.equal(api.status, 200)
  const apiSpan = await serverSpan('GET /api/echo/*', apiTrace)
  t.equal(apiSpan.attributes['http.route'], '/api/echo/*', 'the route\'s pattern, not the path')
  t.equal(parentOf(apiSpan), callerSpan)
  const refresh = await childNamed(t, apiSpan, 'oidc.refresh_token_grant')
  t.equal(refresh?.kind, SpanKind.CLIENT)
  t.ok(await childNamed(t, apiSpan, 'session_store.update'), 'the refreshed tokens are saved')
  const upstreamSpan = await childNamed(t, apiSpan, 'GET')
  t.equal(upstreamSpan?.kind, SpanKind.CLIENT)
  t.same(upstreamSpan?.attributes, {
    'http.request.method': 'GET',
    'server.address': '127.0.0.1',
    'server.port': Number(new URL(upstream.url).port),
    'bff.upstream': 'echo',
    'http.response.status_code': 200
  })
  const received = upstream.received.at(-1)
  t.equal(received?.headers.traceparent, traceparent(apiTrace, upstreamSpan === undefined ? '' : idOf(upstreamSpan)), 'the upstream gets the trace, with the gateway\'s client span as its parent')
  t.equal(received?.headers.tracestate, 'frontend=1', 'the caller\'s tracestate goes on with its trace')

  // Logout: the session destroyed, the refresh token revoked (after the answer: not awaited).
  const logout = await browser.get(`${gateway}${profile.session.logoutUrl as string}`)
  t.equal(logout.status, 302)
  const logoutSpan = await serverSpan('GET /logout')
  t.ok(await childNamed(t, logoutSpan, 'session_store.destroy'))
  const revocation = await childNamed(t, logoutSpan, 'oidc.token_revocation')
  t.equal(revocation?.kind, SpanKind.CLIENT)

  // The provider tells the gateway on the back channel: a form POST, whose body is read outside the request's context.
  await logoutAtDevIdp(browser, logout.location as string)
  const backchannel = await serverSpan('POST /backchannel-logout')
  t.ok(await childNamed(t, backchannel, 'session_store.destroy_by_sid'), 'the handler after the body still runs within the request\'s span')

  t.test('no span carries a token, the code, the cookie, the national number or the subject', async (t) => {
    const bearer = String(received?.headers.authorization).replace(/^Bearer /, '')
    const idOfCookie = (value: string): string => value.slice(0, value.lastIndexOf('.'))
    const secrets: Record<string, string> = {
      'authorization code': code,
      state,
      'access token sent upstream': bearer,
      'login cookie': preLoginCookie,
      'login session id': idOfCookie(preLoginCookie),
      'session cookie': signedInCookie,
      'session id': idOfCookie(signedInCookie),
      'national number': CHRIS_PROFILE.nationalNumber,
      subject: profile.sub,
      sid: profile.session.sid,
      name: CHRIS_PROFILE.name,
      street: CHRIS_PROFILE.address.streetAddress
    }
    for (const [what, secret] of Object.entries(secrets)) t.ok(secret.length >= 8, `${what} is known to the test`)
    const spans = exporter.getFinishedSpans()
    t.ok(spans.length >= 15, `${spans.length} spans searched`)
    for (const span of spans) {
      const text = exported(span)
      for (const [what, secret] of Object.entries(secrets)) {
        for (const piece of piecesOf(secret)) {
          if (text.includes(piece)) t.fail(`span ${span.name} holds the ${what}`)
        }
      }
      for (const name of Object.keys(span.attributes)) {
        if (!ALLOWED_ATTRIBUTES.has(name)) t.fail(`span ${span.name} has an attribute ${name} nobody allowed`)
      }
      t.same(span.events, [], `${span.name} records no events (no exception messages)`)
      t.equal(span.status.message, undefined, `${span.name} has no status message`)
    }
  })
})

t.test('the tokens of the session appear in no span, whatever the route did with them', async (t) => {
  const { stack, upstream } = await tracedStack(t)
  const browser = new TestBrowser()
  exporter.reset()
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  await browser.get(callback.href)
  const cookie = browser.cookies(stack.gatewayUrl).bff as string
  const before = await stack.app.sessionStore.get(cookie.slice(0, cookie.lastIndexOf('.')))
  t.equal((await browser.get(`${stack.gatewayUrl}/api/echo/x`, { 'x-csrf': '1' })).status, 200)
  const after = await stack.app.sessionStore.get(cookie.slice(0, cookie.lastIndexOf('.')))
  const tokens = [before?.user?.tokens, after?.user?.tokens].flatMap((set) => [set?.idToken, set?.accessToken, set?.refreshToken])
    .filter((token): token is string => token !== undefined)
  t.equal(tokens.length, 6, 'ID, access and refresh tokens before and after the refresh')
  t.not(after?.user?.tokens.accessToken, before?.user?.tokens.accessToken, 'the /api call refreshed them')
  t.equal(upstream.received.length, 1)
  await serverSpan('GET /api/echo/*')
  for (const span of exporter.getFinishedSpans()) {
    const text = exported(span)
    for (const token of tokens) {
      for (const piece of piecesOf(token)) if (text.includes(piece)) t.fail(`span ${span.name} holds a token`)
    }
  }
  t.pass(`${exporter.getFinishedSpans().length} spans hold none of the ${tokens.length} tokens`)
})

t.test('an API\'s own token is got in a client span of its /api request, naming the provider and holding no token', async (t) => {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  // As in api-tokens.test.ts: a resource server at the provider, and a login whose scope covers the service's.
  const ORDERS = 'https://orders.example.com'
  const stack = await startStack(t, {
    env: {
      OTEL_TRACES_EXPORTER: 'otlp',
      OIDC_SCOPE: 'openid profile email offline_access orders:read',
      UPSTREAMS: JSON.stringify({ orders: { url: `${upstream.url}/orders`, resource: ORDERS, scope: 'orders:read' } })
    },
    idp: { accessTokenTtl: 3600, resourceServers: [{ resource: ORDERS, scope: 'orders:read', accessTokenTtl: 3600 }] }
  })
  const browser = new TestBrowser()
  exporter.reset()
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  t.equal((await browser.get(callback.href)).status, 302)
  const cookie = browser.cookies(stack.gatewayUrl).bff as string
  const sessionId = cookie.slice(0, cookie.lastIndexOf('.'))
  const before = (await stack.app.sessionStore.get(sessionId))?.user?.tokens

  const apiTrace = 'c0ffee0123456789abcdef0123456789'
  const api = await browser.get(`${stack.gatewayUrl}/api/orders/items`, { 'x-csrf': '1', traceparent: traceparent(apiTrace, CALLER.spanId) })
  t.equal(api.status, 200)
  const apiSpan = await serverSpan('GET /api/orders/*', apiTrace)
  const grant = await childNamed(t, apiSpan, 'oidc.api_token_grant')
  t.equal(grant?.kind, SpanKind.CLIENT, 'a call to the provider')
  t.equal(grant !== undefined && traceOf(grant), apiTrace, 'in the caller\'s trace')
  t.same(grant?.status, { code: 0 }, 'the grant succeeded')
  const issuer = new URL(stack.idp.issuer)
  t.same(grant?.attributes, { 'server.address': issuer.hostname, 'server.port': Number(issuer.port) }, 'the token endpoint\'s host and port, nothing else')
  for (const name of Object.keys(grant?.attributes ?? {})) t.ok(ALLOWED_ATTRIBUTES.has(name), `${name} is allowed`)
  // A token of its own is not the session's refresh: the grant would otherwise hide under that span's name.
  t.notOk(childrenOf(apiSpan).some((span) => span.name === 'oidc.refresh_token_grant'), 'no refresh of the session\'s own token')

  const after = (await stack.app.sessionStore.get(sessionId))?.user?.tokens
  const apiToken = String(upstream.received.at(-1)?.headers.authorization).replace(/^Bearer /, '')
  t.equal(apiToken, after?.apis?.orders?.accessToken, 'the service got the token the grant brought')
  t.not(apiToken, after?.accessToken, 'not the session\'s own')
  const secrets: Record<string, string | undefined> = {
    'API token': apiToken,
    'access token': before?.accessToken,
    'refresh token': before?.refreshToken,
    // A provider that rotates refresh tokens did so for this grant too.
    'rotated refresh token': after?.refreshToken,
    'session cookie': cookie,
    'session id': sessionId
  }
  const spans = exporter.getFinishedSpans()
  t.ok(spans.length >= 8, `${spans.length} spans searched`)
  for (const [what, secret] of Object.entries(secrets)) {
    t.ok(secret !== undefined && secret.length >= 16, `${what} is known to the test`)
    for (const span of spans) {
      const text = exported(span)
      for (const piece of piecesOf(secret ?? '')) if (piece !== '' && text.includes(piece)) t.fail(`span ${span.name} holds the ${what}`)
    }
  }
})

t.test('failures are spans with the stable error code, and no message', async (t) => {
  const { stack } = await tracedStack(t)
  const browser = new TestBrowser()
  exporter.reset()
  const forged = await browser.get(`${stack.gatewayUrl}/callback?code=forged-code-0123456789&state=forged-state-0123456789`)
  t.equal(forged.status, 400)
  const span = await serverSpan('GET /callback')
  t.equal(span.attributes['error.type'], forged.json().error, 'error.type is the answer\'s code')
  t.equal(span.attributes['http.response.status_code'], 400)
  t.same(span.status, { code: 0 }, 'a refused request is not a server error')
  t.notMatch(exported(span), /forged-/, 'neither the code nor the state')

  const unknown = await browser.get(`${stack.gatewayUrl}/people/${CHRIS_PROFILE.nationalNumber}?code=forged-code-0123456789`)
  t.equal(unknown.status, 404)
  const notFound = await serverSpan('GET')
  t.equal(notFound.attributes['http.route'], undefined, 'no route, no route attribute; never the path')
  t.equal(notFound.attributes['error.type'], 'not_found')
  t.notMatch(exported(notFound), new RegExp(`${CHRIS_PROFILE.nationalNumber}|forged-`))
})

t.test('a caller\'s traceparent that is invalid starts a trace of its own; one that is not sampled records nothing', async (t) => {
  const { stack } = await tracedStack(t)
  const browser = new TestBrowser()
  exporter.reset()
  const invalid = ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', `ff-${CALLER.traceId}-${CALLER.spanId}-01`, 'garbage', `00-${CALLER.traceId}-${CALLER.spanId}-01-extra`]
  for (const header of invalid) {
    t.equal((await browser.get(`${stack.gatewayUrl}/me`, { traceparent: header })).status, 401)
  }
  for (let i = 0; i < 100 && exporter.getFinishedSpans().filter((span) => span.name === 'GET /me').length < invalid.length; i++) await sleep(20)
  const spans = exporter.getFinishedSpans().filter((span) => span.name === 'GET /me')
  t.equal(spans.length, invalid.length)
  for (const span of spans) {
    t.equal(span.parentSpanContext, undefined, 'no parent')
    t.not(traceOf(span), CALLER.traceId)
  }

  exporter.reset()
  const unsampled = '7f2a3b4c5d6e7f8091a2b3c4d5e6f708'
  t.equal((await browser.get(`${stack.gatewayUrl}/me`, { traceparent: traceparent(unsampled, CALLER.spanId, '00') })).status, 401)
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 401)
  await serverSpan('GET /me')
  t.same(exporter.getFinishedSpans().filter((span) => traceOf(span) === unsampled), [], 'the caller chose not to sample this trace')
})

t.test('health probes and scrapes get no span', async (t) => {
  const { stack } = await tracedStack(t)
  exporter.reset()
  for (const path of ['/healthz', '/readyz', '/metrics']) t.equal((await fetch(`${stack.gatewayUrl}${path}`)).status, 200, path)
  t.equal((await fetch(`${stack.gatewayUrl}/me`)).status, 401)
  await serverSpan('GET /me')
  t.same(exporter.getFinishedSpans().map((span) => span.name), ['GET /me'])
})

t.test('with the Redis store, its calls are client spans of Redis, still naming no session', async (t) => {
  const { redisForTest, REDIS_URL } = await import('../helpers/redis.js')
  const { prefix } = await redisForTest(t)
  const stack = await startStack(t, { env: { OTEL_TRACES_EXPORTER: 'otlp', SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix } })
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  t.equal((await browser.get(callback.href)).status, 302)
  exporter.reset()
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200)
  const get = await childNamed(t, await serverSpan('GET /me'), 'session_store.get')
  t.equal(get?.kind, SpanKind.CLIENT, 'a call to another process')
  t.same(get?.attributes, { 'bff.session_store': 'redis', 'db.system.name': 'redis', 'db.operation.name': 'get' })
  const cookie = browser.cookies(stack.gatewayUrl).bff as string
  t.notOk(exported(get as ReadableSpan).includes(cookie.slice(0, cookie.lastIndexOf('.'))), 'no session id')
})
