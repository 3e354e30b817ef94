import t from 'tap'
import { freePort } from '../helpers/free-port.js'
import { startGateway, startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../helpers/gateway.js'
import { TestBrowser } from '../helpers/test-browser.js'
import { signInAtDevIdp } from '../helpers/dev-idp-login.js'

t.test('a provider that is down at start-up: the gateway serves, says not ready, and recovers by itself', async (t) => {
  const [gatewayPort, idpPort] = [await freePort(), await freePort()]
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`
  const { app, logs } = await startGateway(t, {
    PORT: String(gatewayPort),
    BASE_URL: gatewayUrl,
    OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET
  }, { waitForProvider: false })
  const browser = new TestBrowser()

  t.equal((await browser.get(`${gatewayUrl}/healthz`)).status, 200, 'alive')
  const notReady = await browser.get(`${gatewayUrl}/readyz`)
  t.equal(notReady.status, 503)
  t.equal(notReady.json().checks.provider, 'discovering')
  const login = await browser.get(`${gatewayUrl}/login`)
  t.equal(login.status, 503)
  t.same(login.json(), { error: 'provider_unavailable', message: 'The identity provider is not reachable yet; try again shortly' })

  await startTestIdp(t, gatewayUrl, { port: idpPort })
  await app.oidc.whenReady()
  t.equal((await browser.get(`${gatewayUrl}/readyz`)).status, 200, 'ready once discovery succeeded')
  t.match(logs.text, /provider discovery failed; retrying/)

  const retry = await browser.get(`${gatewayUrl}/login`)
  t.equal(retry.status, 302)
  const callback = await signInAtDevIdp(browser, retry.location as string, 'chris')
  t.equal((await browser.get(callback.href)).status, 302)
  t.equal((await browser.get(`${gatewayUrl}/me`)).status, 200, 'a login works without a restart')
})
