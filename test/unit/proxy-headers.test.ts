import t from 'tap'
import { browserResponseHeaders, upstreamRequestHeaders } from '../../src/proxy/headers.js'

t.test('the upstream gets the bearer token and the request id, none of the browser\'s credentials', async (t) => {
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
    'x-forwarded-for': ['10.0.0.1', '10.0.0.2'] as unknown as string
  }
  const before = structuredClone(incoming)
  const headers = upstreamRequestHeaders(incoming, 'access-token', 'req-1')
  t.same(headers, {
    host: 'gateway.example',
    accept: 'application/json',
    'x-forwarded-for': ['10.0.0.1', '10.0.0.2'],
    authorization: 'Bearer access-token',
    'x-request-id': 'req-1'
  })
  t.same(incoming, before, 'the request\'s own headers are left as they were')
})

t.test('without a token to send, no Authorization reaches the upstream', async (t) => {
  const headers = upstreamRequestHeaders({ authorization: 'Bearer the-browsers-own' }, undefined, 'req-2')
  t.same(headers, { 'x-request-id': 'req-2' })
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
