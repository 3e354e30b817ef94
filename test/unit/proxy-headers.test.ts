import t from 'tap'
import { browserResponseHeaders, upstreamRequestHeaders } from '../../src/proxy/headers.js'
import { SECURITY_HEADER_NAMES, securityHeaders } from '../../src/security/security-headers.js'

const CONTEXT = { requestId: 'req-1', clientAddress: '203.0.113.7', publicUrl: new URL('https://app.example.com') }
const FORWARDED = {
  forwarded: 'for=203.0.113.7;host="app.example.com";proto=https',
  'x-forwarded-for': '203.0.113.7',
  'x-forwarded-host': 'app.example.com',
  'x-forwarded-proto': 'https',
  'x-real-ip': '203.0.113.7'
}

t.test('the upstream gets the bearer token, the request id and the gateway\'s forwarding headers, none of the browser\'s credentials or claims', async (t) => {
  const incoming = {
    host: 'gateway.example',
    accept: 'application/json',
    cookie: '__Host-bff=abc.def',
    authorization: 'Basic c2VjcmV0',
    'x-csrf': '1',
    connection: 'keep-alive, X-Hop',
    'x-hop': 'only this hop',
    te: 'trailers',
    'transfer-encoding': 'chunked',
    expect: '100-continue',
    'x-forwarded-for': ['10.0.0.1', '10.0.0.2'] as unknown as string,
    forwarded: 'for=10.0.0.1;host=evil.example',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'http',
    'x-forwarded-port': '8443',
    'x-forwarded-prefix': '/admin',
    'x-real-ip': '10.0.0.1'
  }
  const before = structuredClone(incoming)
  const headers = upstreamRequestHeaders(incoming, { ...CONTEXT, bearer: 'access-token' })
  t.same(headers, {
    host: 'gateway.example',
    accept: 'application/json',
    authorization: 'Bearer access-token',
    'x-request-id': 'req-1',
    ...FORWARDED
  })
  t.same(incoming, before, 'the request\'s own headers are left as they were')
})

t.test('without a token to send, no Authorization reaches the upstream', async (t) => {
  const headers = upstreamRequestHeaders({ authorization: 'Bearer the-browsers-own' }, { ...CONTEXT, bearer: undefined, requestId: 'req-2' })
  t.same(headers, { 'x-request-id': 'req-2', ...FORWARDED })
})

t.test('an IPv6 client is bracketed and quoted in Forwarded, as RFC 7239 asks', async (t) => {
  const headers = upstreamRequestHeaders({}, { ...CONTEXT, bearer: undefined, clientAddress: '2001:db8::7', publicUrl: new URL('http://127.0.0.1:3000') })
  t.equal(headers.forwarded, 'for="[2001:db8::7]";host="127.0.0.1:3000";proto=http')
  t.equal(headers['x-forwarded-for'], '2001:db8::7')
})

t.test('a client gone before its call was sent is for=unknown, and named nowhere else', async (t) => {
  const headers = upstreamRequestHeaders({ 'x-forwarded-for': '6.6.6.6', 'x-real-ip': '6.6.6.6' }, { ...CONTEXT, bearer: undefined, clientAddress: undefined })
  t.equal(headers.forwarded, 'for=unknown;host="app.example.com";proto=https')
  t.notOk('x-forwarded-for' in headers)
  t.notOk('x-real-ip' in headers)
})

t.test('the browser gets the upstream\'s answer without cookies or hop-by-hop headers', async (t) => {
  const headers = browserResponseHeaders({
    'content-type': 'application/json',
    'set-cookie': ['session=planted; Path=/'],
    connection: 'close, x-upstream-hop',
    'x-upstream-hop': 'not for the browser',
    'keep-alive': 'timeout=5',
    'x-upstream': 'kept'
  })
  t.same(headers, { 'content-type': 'application/json', 'x-upstream': 'kept' })
})

t.test('a Connection header without names drops only the hop-by-hop ones', async (t) => {
  t.same(browserResponseHeaders({ connection: ' , ', etag: '"1"' }), { etag: '"1"' })
})

t.test('the browser never gets an upstream\'s security or CORS headers: the gateway\'s own stand', async (t) => {
  const own = securityHeaders({ https: true })
  const hostile: Record<string, string> = { 'x-powered-by': 'upstream/1.0', 'access-control-allow-origin': '*', 'access-control-max-age': '600' }
  for (const name of Object.keys(own)) hostile[name] = 'upstream value'
  const headers = browserResponseHeaders({ ...hostile, 'content-type': 'text/plain', etag: '"2"' })
  t.same(headers, { 'content-type': 'text/plain', etag: '"2"' })
  t.ok(SECURITY_HEADER_NAMES.has('strict-transport-security'), 'HSTS is the gateway\'s even where it sends none (plain http)')
  t.ok(SECURITY_HEADER_NAMES.has('x-powered-by'), 'and so is a header helmet removes')
  for (const name of ['content-security-policy', 'x-frame-options', 'cache-control', 'referrer-policy', 'x-content-type-options']) {
    t.ok(SECURITY_HEADER_NAMES.has(name), name)
  }
  t.notOk('strict-transport-security' in securityHeaders({ https: false }), 'no HSTS on an http origin')
})

t.test('X-Assurance-Level is the gateway\'s word on the login: the browser\'s own is dropped', async (t) => {
  const rows: Array<[name: string, incoming: Record<string, string>, level: string | undefined, expected: string | undefined]> = [
    ['the login\'s level is sent', {}, 'high', 'high'],
    ['the browser\'s claim is replaced by the login\'s', { 'x-assurance-level': 'high' }, 'substantial', 'substantial'],
    ['a login without a level sends none, and the browser\'s goes', { 'x-assurance-level': 'high' }, undefined, undefined],
    ['nor can the browser smuggle it through Connection', { connection: 'x-assurance-level', 'x-assurance-level': 'high' }, undefined, undefined]
  ]
  for (const [name, incoming, level, expected] of rows) {
    const headers = upstreamRequestHeaders(incoming, { ...CONTEXT, bearer: undefined, ...(level === undefined ? {} : { assuranceLevel: level }) })
    t.equal(headers['x-assurance-level'], expected, name)
  }
})
