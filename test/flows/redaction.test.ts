import t from 'tap'
import { TestBrowser } from '../helpers/test-browser.js'
import { signInAtDevIdp, logoutAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack } from '../helpers/gateway.js'

t.test('a whole login, /me and logout at trace level leave no secret or personal value in the logs', async (t) => {
  const stack = await startStack(t, { env: { LOG_LEVEL: 'trace' } })
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login?returnTo=/x`)
  const authorize = new URL(login.location as string)
  const callback = await signInAtDevIdp(browser, authorize.href, 'chris')
  await browser.get(callback.href)
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  t.equal(me.status, 200)
  const sessionCookie = browser.cookies(stack.gatewayUrl).bff as string
  const out = await browser.get(`${stack.gatewayUrl}${me.json().session.logoutUrl as string}`)
  const idToken = new URL(out.location as string).searchParams.get('id_token_hint') as string
  await logoutAtDevIdp(browser, out.location as string)

  const secrets: Record<string, string> = {
    'authorization code': callback.searchParams.get('code') as string,
    state: authorize.searchParams.get('state') as string,
    nonce: authorize.searchParams.get('nonce') as string,
    'PKCE challenge': authorize.searchParams.get('code_challenge') as string,
    'session cookie': sessionCookie,
    'session cookie id': sessionCookie.split('.')[0] as string,
    'ID token': idToken,
    'ID token signature': idToken.split('.')[2] as string,
    'national number': '65070862267',
    'street address': 'Louizalaan',
    'family name': 'Ricardo',
    birthdate: '1965-07-08'
  }
  const text = stack.logs.text
  t.ok(stack.logs.lines.length > 10, 'the run logged plenty')
  t.equal(stack.app.log.level, 'trace', 'the most verbose level')
  for (const [what, value] of Object.entries(secrets)) {
    t.ok(value.length > 4, `${what} was captured for the search`)
    t.notOk(text.includes(value), `no ${what} in the logs`)
  }
  t.notMatch(text, /eyJ[\w-]+\.eyJ/, 'no JWT at all')
})
