import t from 'tap'
import { freePort } from '../helpers/free-port.js'
import { startGateway, startStack, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../helpers/gateway.js'
import { redisForTest, REDIS_URL } from '../helpers/redis.js'
import { TestBrowser } from '../helpers/test-browser.js'

t.test('/login past its budget: 429 JSON with Retry-After, no session; other routes are not limited', async (t) => {
  const stack = await startStack(t, { env: { RATE_LIMIT_LOGIN: '3' } })
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) statuses.push((await new TestBrowser().get(`${stack.gatewayUrl}/login`)).status)
  t.same(statuses, [302, 302, 302], 'within the budget')
  const refused = await new TestBrowser().get(`${stack.gatewayUrl}/login`)
  t.equal(refused.status, 429)
  t.same(Object.keys(refused.json()).sort(), ['error', 'message'])
  t.equal(refused.json().error, 'rate_limited')
  t.ok(Number(refused.headers.get('retry-after')) > 0, `Retry-After: ${String(refused.headers.get('retry-after'))}`)
  t.same(refused.setCookies, [], 'no session for a refused login')
  t.equal((await new TestBrowser().get(`${stack.gatewayUrl}/callback?state=x`)).status, 400, '/callback has its own budget')
  for (let i = 0; i < 5; i++) t.equal((await new TestBrowser().get(`${stack.gatewayUrl}/me`)).status, 401, '/me is not limited')
})

t.test('/backchannel-logout past its budget: 429', async (t) => {
  const stack = await startStack(t, { env: { RATE_LIMIT_BACKCHANNEL: '2' } })
  const browser = new TestBrowser()
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) statuses.push((await browser.post(`${stack.gatewayUrl}/backchannel-logout`, { logout_token: 'not.a.token' })).status)
  t.same(statuses, [400, 400, 429])
})

t.test('with Redis the budget is shared by every instance', async (t) => {
  const { prefix } = await redisForTest(t)
  const env = { SESSION_STORE: 'redis', REDIS_URL, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_LOGIN: '4' }
  const stack = await startStack(t, { env })
  const port = await freePort()
  await startGateway(t, { ...env, PORT: String(port), BASE_URL: stack.gatewayUrl, OIDC_ISSUER: stack.idp.issuer, OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET })
  const instances = [stack.gatewayUrl, `http://127.0.0.1:${port}`]
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) statuses.push((await new TestBrowser().get(`${instances[i % 2] as string}/login`)).status)
  t.same(statuses, [302, 302, 302, 302, 429, 429], 'four logins in all, across both instances')
})
