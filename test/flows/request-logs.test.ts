import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack } from '../helpers/gateway.js'
import { TestBrowser } from '../helpers/test-browser.js'

/** Lines about the process, not about a request. */
const PROCESS_LINES = [/^provider metadata loaded$/, /^Server listening at /]

t.test('every log line written for a request carries its request id, module loggers\' lines too', async (t) => {
  const stack = await startStack(t, { env: { LOG_LEVEL: 'trace' } })
  const base = stack.gatewayUrl
  const browser = new TestBrowser()
  await signInThroughGateway(browser, base)
  const me = await browser.get(`${base}/me`)
  t.equal(me.status, 200)
  t.equal((await new TestBrowser().post(`${base}/backchannel-logout`, { logout_token: 'not-a-jwt' })).status, 400)
  t.equal((await browser.get(`${base}/healthz`, { 'x-request-id': 'edge-4f1c.7:a' })).status, 200)
  t.equal((await browser.get(`${base}/healthz`, { 'x-request-id': 'two words' })).status, 200)
  // Without the provider the refresh token cannot be revoked: the oidc module logs
  // that after the answer has gone, still under the logout's id.
  await stack.idp.close()
  const logout = await browser.get(`${base}${me.json().session.logoutUrl as string}`)
  t.equal(logout.status, 302)
  for (let i = 0; i < 100 && !stack.logs.text.includes('refresh token revocation failed'); i++) await sleep(20)

  const entries = stack.logs.entries()
  const requestLines = entries.filter((entry) => !PROCESS_LINES.some((pattern) => pattern.test(String(entry.msg))))
  t.ok(requestLines.length >= 7 * 2, `${requestLines.length} lines for requests`)
  for (const entry of requestLines) {
    t.type(entry.reqId, 'string', `"${String(entry.msg)}" carries a request id`)
  }
  // The req serializer repeats it inside `req`; at the top level it must appear once.
  const repeated = stack.logs.lines.filter((line) => (line.replace(/"req":\{[^{}]*\}/, '').match(/"reqId":/g) ?? []).length > 1)
  t.same(repeated, [], 'never twice on one line')

  const ids = new Set(requestLines.map((entry) => entry.reqId as string))
  t.equal(ids.size, 7, 'login, callback, /me, back-channel logout, two health checks, logout')
  for (const id of ids) {
    const messages = requestLines.filter((entry) => entry.reqId === id).map((entry) => entry.msg)
    t.ok(messages.includes('incoming request') && messages.includes('request completed'), `${id}: from the first line to the last`)
  }
  t.ok(ids.has('edge-4f1c.7:a'), 'a caller\'s safe X-Request-Id is kept')
  t.notOk([...ids].some((id) => id.includes(' ')), 'an unsafe one is replaced')

  const revocation = requestLines.find((entry) => entry.msg === 'refresh token revocation failed')
  const logoutLine = requestLines.find((entry) => entry.msg === 'logout')
  t.equal(revocation?.module, 'oidc', 'a module logger\'s line')
  t.equal(revocation?.reqId, logoutLine?.reqId, 'under the id of the logout that caused it')
})
