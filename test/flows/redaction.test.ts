import t from 'tap'
import { TestBrowser } from '../helpers/test-browser.js'
import { signInAtDevIdp, logoutAtDevIdp, signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack } from '../helpers/gateway.js'
import { startRecordingUpstream } from '../helpers/recording-upstream.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { serviceToken } from '../helpers/service-token.js'
import { DEV_SERVICE_CLIENT } from '../../src/dev-idp/index.js'

t.test('a whole login, /me and logout at trace level leave no secret or personal value in the logs', async (t) => {
  // OIDC_LOGOUT_HINT=id_token only so the logout redirect hands this test the ID token to search for.
  const stack = await startStack(t, { env: { LOG_LEVEL: 'trace', OIDC_LOGOUT_HINT: 'id_token' } })
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

t.test('refresh, back-channel logout and refused requests at trace level leave no secret or personal value in the logs', async (t) => {
  const stack = await startStack(t, {
    env: { LOG_LEVEL: 'trace', TOKEN_REFRESH_MARGIN: '3' },
    idp: { accessTokenTtl: 5, rotateRefreshTokens: true }
  })
  const browser = new TestBrowser()
  const login = await browser.get(`${stack.gatewayUrl}/login`)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  t.equal((await browser.get(callback.href)).status, 302)
  const cookie = decodeURIComponent(browser.cookies(stack.gatewayUrl).bff as string)
  const sessionId = cookie.slice(0, cookie.lastIndexOf('.'))
  const before = (await stack.app.sessionStore.get(sessionId))?.user?.tokens
  await new Promise((resolve) => setTimeout(resolve, 2200))
  const me = await browser.get(`${stack.gatewayUrl}/me`)
  t.equal(me.status, 200, 'served after a refresh')
  const after = (await stack.app.sessionStore.get(sessionId))?.user?.tokens
  t.equal(after?.generation, 1, 'the tokens were refreshed')

  // Refused requests: a replayed callback, a forged cookie, a wrong logout sid, a forged logout token.
  t.equal((await browser.get(callback.href)).status, 400)
  t.equal((await new TestBrowser().get(`${stack.gatewayUrl}/me`, { cookie: `bff=${encodeURIComponent(cookie)}x` })).status, 401)
  t.equal((await browser.get(`${stack.gatewayUrl}/logout?sid=not-mine`)).status, 400)
  t.equal((await browser.post(`${stack.gatewayUrl}/backchannel-logout`, { logout_token: before?.idToken ?? '' })).status, 400)
  // The provider ends the session over the back channel.
  await logoutAtDevIdp(browser, new URL('/session/end', stack.idp.issuer).href)
  let status = 200
  for (let i = 0; i < 50 && status === 200; i++) {
    status = (await browser.get(`${stack.gatewayUrl}/me`)).status
    if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(status, 401, 'ended by the back-channel logout')

  const secrets: Record<string, string | undefined> = {
    'authorization code': callback.searchParams.get('code') ?? undefined,
    'session id': sessionId,
    'first access token': before?.accessToken,
    'first refresh token': before?.refreshToken,
    'refreshed access token': after?.accessToken,
    'rotated refresh token': after?.refreshToken,
    'ID token': before?.idToken,
    'national number': '65070862267',
    'street address': 'Louizalaan',
    'given name': 'Chris',
    'family name': 'Ricardo',
    birthdate: '1965-07-08',
    'subject identifier': 'f729d0aa-db04-44e7-b5c7-b961cd170db3'
  }
  const text = stack.logs.text
  t.ok(text.includes('"msg":"back-channel logout"'), 'the back-channel logout was logged')
  for (const [what, value] of Object.entries(secrets)) {
    t.ok(value !== undefined && value.length > 4, `${what} was captured for the search`)
    t.notOk(value !== undefined && text.includes(value), `no ${what} in the logs`)
  }
  t.notMatch(text, /eyJ[\w-]+\.eyJ/, 'no JWT at all')
})

t.test('the /api proxy and the service API at trace level leave no token, subject or claim in the logs', async (t) => {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  const audience = 'urn:eid-bff:internal'
  const stack = await startStack(t, {
    env: { LOG_LEVEL: 'trace', UPSTREAMS: JSON.stringify({ orders: upstream.url }), INTERNAL_AUDIENCE: audience },
    idp: { serviceClient: { ...DEV_SERVICE_CLIENT, audience } }
  })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const proxied = await browser.request('POST', `${stack.gatewayUrl}/api/orders/items`, { headers: { 'x-csrf': '1', 'content-type': 'application/json' }, body: '{"note":"Louizalaan"}' })
  t.equal(proxied.status, 200)
  const accessToken = String(upstream.received.at(-1)?.headers.authorization).replace('Bearer ', '')

  const serviceAccessToken = await serviceToken(stack.idp.issuer, 'claims:profile claims:address claims:national_number claims:sub')
  const lookup = await new TestBrowser().get(`${stack.gatewayUrl}/internal/users/${encodeURIComponent(CHRIS_PROFILE.sub)}/claims`, { authorization: `Bearer ${serviceAccessToken}` })
  t.equal(lookup.status, 200)
  t.equal(lookup.json().nationalNumber, CHRIS_PROFILE.nationalNumber, 'the service got the claims')

  const secrets: Record<string, string> = {
    'relayed access token': accessToken,
    'service token': serviceAccessToken,
    'subject identifier': 'f729d0aa-db04-44e7-b5c7-b961cd170db3',
    'national number': CHRIS_PROFILE.nationalNumber,
    'street address': 'Louizalaan',
    'family name': 'Ricardo'
  }
  const text = stack.logs.text
  t.match(text, /"audit":"claims_lookup"/, 'the lookup was audited')
  for (const [what, value] of Object.entries(secrets)) {
    t.ok(value.length > 4, `${what} was captured for the search`)
    t.notOk(text.includes(value), `no ${what} in the logs`)
  }
  t.notMatch(text, /eyJ[\w-]+\.eyJ/, 'no JWT at all')
})
