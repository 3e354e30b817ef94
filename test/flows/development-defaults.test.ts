import t from 'tap'
import { createServer } from 'node:net'
import { loadConfig } from '../../src/config/index.js'
import { DEV_CLIENT_ID, DEV_SERVICE_CLIENT, startDevelopment } from '../../src/config/development.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startDevelopmentGateway } from '../helpers/gateway.js'
import { serviceToken } from '../helpers/service-token.js'
import { TestBrowser } from '../helpers/test-browser.js'

const AUTH0 = { OIDC_ISSUER: 'https://tenant.eu.auth0.com/', OIDC_CLIENT_ID: 'client', OIDC_CLIENT_SECRET: 'shh-very-secret-value' }

async function refused (url: string): Promise<boolean> {
  return await fetch(url).then(() => false, () => true)
}

t.test('a fresh clone, nothing set: the embedded provider, its itsme connection, the service API and the example API', async (t) => {
  const { development, gatewayUrl } = await startDevelopmentGateway(t)
  const { config, issuer, exampleApiUrl } = development
  t.ok(issuer, 'the embedded provider started')
  t.equal(config.oidc.issuer?.href, `${issuer}/`, 'the config names its issuer')
  t.equal(config.oidc.clientId, DEV_CLIENT_ID)
  t.same(Object.keys(config.upstreams), ['example', 'example-high'])
  t.equal(config.upstreams.example?.url.href, `${exampleApiUrl}/`)
  t.equal(config.upstreams['example-high']?.url.href, `${exampleApiUrl}/`, 'the example API again, for the step-up demo')
  t.match(config.upstreams['example-high'], { level: 'high', maxAgeSeconds: 900 })
  t.match(config.upstreams.example, { timeoutSeconds: 10, token: 'access' }, 'the defaults of any UPSTREAMS entry')
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.oidc) && Object.isFrozen(config.upstreams.example), 'the completed config is frozen too')

  const browser = new TestBrowser()
  await signInThroughGateway(browser, gatewayUrl)
  const me = await browser.get(`${gatewayUrl}/me`)
  t.equal(me.status, 200)
  t.match(me.json(), CHRIS_PROFILE, 'the claims namespace and the itsme connection match the provider\'s')

  const api = await browser.get(`${gatewayUrl}/api/example/hello`, { 'x-csrf': '1' })
  t.equal(api.status, 200)
  t.match(api.json(), { message: 'Hello from the example API', bearerToken: 'received' })
  const high = await browser.get(`${gatewayUrl}/api/example-high/hello`, { 'x-csrf': '1' })
  t.equal(high.status, 401, 'the high-assurance example API wants a step-up from itsme basic')
  t.match(high.headers.get('www-authenticate'), /acr_values="urn:grn:authn:itsme:advanced", max_age="900"$/)

  const token = await serviceToken(issuer as string, 'claims:profile claims:sub', DEV_SERVICE_CLIENT)
  const claims = await new TestBrowser().get(`${gatewayUrl}/internal/users/${encodeURIComponent(CHRIS_PROFILE.sub)}/claims`, { authorization: `Bearer ${token}` })
  t.equal(claims.status, 200, 'the provider mints service tokens for the gateway\'s audience')
  t.match(claims.json(), { name: CHRIS_PROFILE.name })
})

t.test('close() stops the provider and the example API', async (t) => {
  const development = await startDevelopment(loadConfig({ PORT: '0', DEV_IDP_PORT: '0' }))
  t.teardown(() => development.close())
  const discovery = `${development.issuer as string}/.well-known/openid-configuration`
  t.equal((await fetch(discovery)).status, 200)
  t.equal((await fetch(`${development.exampleApiUrl as string}/`)).status, 200)
  await development.close()
  t.ok(await refused(discovery), 'the provider is gone')
  t.ok(await refused(`${development.exampleApiUrl as string}/`), 'the example API is gone')
})

t.test('only what the config leaves to development starts', async (t) => {
  const withProvider = loadConfig({ ...AUTH0, UPSTREAMS: '{"orders":"http://127.0.0.1:9"}' })
  const nothing = await startDevelopment(withProvider)
  t.equal(nothing.config, withProvider, 'a real provider and UPSTREAMS: the config as it came')
  t.equal(nothing.issuer, undefined)
  t.equal(nothing.exampleApiUrl, undefined)

  const realProvider = await startDevelopment(loadConfig(AUTH0))
  t.teardown(() => realProvider.close())
  t.equal(realProvider.issuer, undefined, 'no embedded provider beside a real one')
  t.equal(realProvider.config.oidc.issuer?.href, AUTH0.OIDC_ISSUER)
  t.ok(realProvider.exampleApiUrl, 'the demo still gets its example API without UPSTREAMS')

  const noDemo = await startDevelopment(loadConfig({ ...AUTH0, DEMO: 'false' }))
  t.same(noDemo.config.upstreams, {}, 'without the demo, no example API')
  t.equal(noDemo.exampleApiUrl, undefined)
})

t.test('a provider that cannot listen fails the start and leaves nothing behind', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => taken.close())
  const port = (taken.address() as { port: number }).port
  await t.rejects(startDevelopment(loadConfig({ HOST: '127.0.0.1', PORT: '0', DEV_IDP_PORT: String(port) })), { code: 'EADDRINUSE' })
})
