import t from 'tap'
import { freePort } from '../helpers/free-port.js'
import { startGateway, startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../helpers/gateway.js'
import { TestBrowser } from '../helpers/test-browser.js'

// TLS ends at a proxy on loopback; the gateway itself speaks plain http.
t.test('behind a TLS-terminating proxy an https BASE_URL gets a Secure __Host- cookie', async (t) => {
  const port = await freePort()
  const publicUrl = `https://127.0.0.1:${port}`
  const idp = await startTestIdp(t, publicUrl)
  await startGateway(t, { PORT: String(port), BASE_URL: publicUrl, OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET })
  const viaProxy = await new TestBrowser().get(`http://127.0.0.1:${port}/login`, { 'x-forwarded-proto': 'https' })
  t.equal(viaProxy.status, 302)
  t.equal(new URL(viaProxy.location as string).searchParams.get('redirect_uri'), `${publicUrl}/callback`)
  const cookie = viaProxy.setCookies.find((c) => c.startsWith('__Host-bff='))
  t.ok(cookie, 'the __Host- cookie is set')
  t.match(cookie, /; Secure/)
  t.match(cookie, /; Path=\//)
  t.notMatch(cookie, /Domain=/i, '__Host- cookies carry no Domain')

  const direct = await new TestBrowser().get(`http://127.0.0.1:${port}/login`)
  t.equal(direct.status, 302)
  t.same(direct.setCookies, [], 'over plain http without the proxy, no Secure cookie is sent')
})

t.test('behind that proxy a stale __Host- cookie is cleared with the attributes it was set with, over real HTTP', async (t) => {
  const port = await freePort()
  const publicUrl = `https://127.0.0.1:${port}`
  const idp = await startTestIdp(t, publicUrl)
  await startGateway(t, { PORT: String(port), BASE_URL: publicUrl, OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: TEST_CLIENT_ID, OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET })
  const viaProxy = { 'x-forwarded-proto': 'https' }
  const set = (await new TestBrowser().get(`http://127.0.0.1:${port}/login`, viaProxy)).setCookies.find((c) => c.startsWith('__Host-bff='))
  const attributesOf = (line: string | undefined): string[] => (line ?? '').split('; ').slice(1).filter((a) => !/^(Expires|Max-Age)=/.test(a)).sort()
  t.same(attributesOf(set), ['HttpOnly', 'Path=/', 'SameSite=Lax', 'Secure'], 'set with these')
  // Browsers ignore a __Host- cookie, and its clearing, without Secure: the stale one would stay.
  const stale: Array<[string, string]> = [['forged', `x.${'A'.repeat(43)}`], ['unknown id, real-looking', `${'B'.repeat(32)}.${'A'.repeat(43)}`]]
  for (const [label, value] of stale) {
    const res = await new TestBrowser().get(`http://127.0.0.1:${port}/me`, { ...viaProxy, cookie: `__Host-bff=${encodeURIComponent(value)}` })
    t.equal(res.status, 401, label)
    const cleared = res.setCookies.find((c) => c.startsWith('__Host-bff=;'))
    t.ok(cleared, `${label}: cleared`)
    t.match(cleared, /Expires=Thu, 01 Jan 1970/, `${label}: expired`)
    t.same(attributesOf(cleared), attributesOf(set), `${label}: with the attributes it was set with`)
  }
})
