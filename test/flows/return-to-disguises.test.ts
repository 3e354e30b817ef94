import t from 'tap'
import { signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack } from '../helpers/gateway.js'
import { TestBrowser } from '../helpers/test-browser.js'

/**
 * Paths that turn into `//evil.example` once their dot segments are removed,
 * as a browser removes them when it follows the callback's Location header.
 */
const DISGUISES = [
  '/.//evil.example',
  '/a/..//evil.example',
  '/..//evil.example',
  '/%2e//evil.example',
  '/%2E//evil.example',
  '/a/%2E%2E//evil.example',
  '/a/.%2e//evil.example',
  '/././/evil.example/path?q=1#frag'
]

t.test('a returnTo that resolves to //host through dot segments lands on our own origin after the login', async (t) => {
  const stack = await startStack(t)
  const gateway = new URL(stack.gatewayUrl)
  for (const returnTo of DISGUISES) {
    const browser = new TestBrowser()
    // Sent raw, as an attacker's link would carry it: only the query encoding a browser adds.
    const login = await browser.get(`${stack.gatewayUrl}/login?returnTo=${encodeURIComponent(returnTo)}`)
    t.equal(login.status, 302, `${returnTo}: to the provider`)
    const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
    const done = await browser.request('GET', callback)
    t.equal(done.status, 302, `${returnTo}: signed in`)
    const raw = done.headers.get('location') as string
    const landing = new URL(raw, gateway)
    t.equal(landing.origin, gateway.origin, `${returnTo}: the Location ${raw} stays on the gateway's origin`)
    t.notMatch(landing.hostname, /evil/, `${returnTo}: never the attacker's host`)
    t.equal((await browser.get(`${stack.gatewayUrl}/me`)).status, 200, `${returnTo}: the session works`)
  }
})
