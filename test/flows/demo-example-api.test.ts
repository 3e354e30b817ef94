import t from 'tap'
import { startExampleUpstream, type ExampleCall } from '../../src/demo/example-upstream.js'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack } from '../helpers/gateway.js'
import { TestBrowser } from '../helpers/test-browser.js'

t.test('the example API says whether a bearer token came, never which', async (t) => {
  const calls: ExampleCall[] = []
  const api = await startExampleUpstream({ onCall: (call) => calls.push(call) })
  t.teardown(() => api.close())
  t.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'on loopback')

  const token = 'eyJhbGciOiJSUzI1NiJ9.a-secret-token.signature'
  const withToken = await fetch(`${api.url}/hello?x=1`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-1' } })
  t.equal(withToken.status, 200)
  const text = await withToken.text()
  t.notOk(text.includes('a-secret-token'), 'the token is not in the answer')
  t.match(JSON.parse(text), { message: 'Hello from the example API', method: 'GET', path: '/hello', bearerToken: 'received', requestId: 'req-1' })
  t.equal(calls[0]?.authorization, `Bearer ${token}`, 'the observer sees what arrived')

  t.match(await (await fetch(`${api.url}/hello`)).json(), { bearerToken: 'missing' })
  const post = await fetch(`${api.url}/hello`, { method: 'POST', body: 'x' })
  t.equal(post.status, 405)
  t.equal(post.headers.get('allow'), 'GET, HEAD')
})

t.test('through the gateway, the example API gets the session\'s access token', async (t) => {
  const calls: ExampleCall[] = []
  const api = await startExampleUpstream({ onCall: (call) => calls.push(call) })
  t.teardown(() => api.close())
  const stack = await startStack(t, { env: { UPSTREAMS: JSON.stringify({ example: api.url }) } })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)

  t.equal((await browser.get(`${stack.gatewayUrl}/api/example/hello`)).status, 403, 'not without X-CSRF')
  const res = await browser.get(`${stack.gatewayUrl}/api/example/hello`, { 'x-csrf': '1' })
  t.equal(res.status, 200)
  t.match(res.json(), { path: '/hello', bearerToken: 'received' })
  const authorization = calls.at(-1)?.authorization ?? ''
  t.match(authorization, /^Bearer \S{16,}$/)
  t.notOk(res.text.includes(authorization.slice('Bearer '.length)), 'the browser never gets the token')
})
