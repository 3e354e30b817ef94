import t from 'tap'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import { startExampleUpstream, type ExampleCall } from '../../src/demo/example-upstream.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { startStack } from '../helpers/gateway.js'

/** Debian's Chromium; CI installs it. A missing browser fails this test: it is never skipped. */
const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/demo/', import.meta.url))
const MASKED = '65.07.08-•••.••'
const SHOWN = '65.07.08-622.67'

/** Whether the provider honours this access token, and for whom: its userinfo endpoint answers. */
async function userinfoSub (issuer: string, accessToken: string): Promise<string | undefined> {
  const metadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as { userinfo_endpoint: string }
  const response = await fetch(metadata.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } })
  return response.ok ? (await response.json() as { sub: string }).sub : undefined
}

/** Everything the page shows and holds: its markup and its visible text. */
async function pageText (page: Page): Promise<string> {
  return `${await page.content()}\n${await page.locator('body').innerText()}`
}

// A real browser on a busy machine: more than the suite's default per-file limit.
t.setTimeout(240_000)

t.test('the demo frontend in Chromium: log in with itsme, see the masked profile, call the API, log out', { timeout: 240_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.fail(`${CHROMIUM} is missing: install Debian's chromium package to run the browser tests`)
    return
  }
  await mkdir(ARTIFACTS, { recursive: true })

  const calls: ExampleCall[] = []
  const upstream = await startExampleUpstream({ onCall: (call) => calls.push(call) })
  t.teardown(() => upstream.close())
  const stack = await startStack(t, { env: { UPSTREAMS: JSON.stringify({ example: upstream.url }) } })
  const home = `${stack.gatewayUrl}/`

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 60_000
  })
  t.teardown(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  page.setDefaultNavigationTimeout(30_000)
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`)
  })
  let step = 0
  const screenshot = async (name: string): Promise<void> => {
    step += 1
    await page.screenshot({ path: `${ARTIFACTS}${String(step).padStart(2, '0')}-${name}.png` })
  }

  // 1. Signed out: the page, under the strict policy, offers the configured eID.
  const opened = await page.goto(home)
  t.equal(opened?.status(), 200)
  t.match(opened?.headers()['content-type'], /^text\/html/)
  const csp = opened?.headers()['content-security-policy'] ?? ''
  t.match(csp, /script-src 'self';/, 'scripts from this origin only')
  t.match(csp, /style-src 'self';/, 'styles from this origin only, no inline style')
  const login = page.getByRole('link', { name: 'Log in with itsme' })
  await login.waitFor()
  t.equal(await login.getAttribute('href'), '/login?eid=itsme&returnTo=/', 'the eID of EID_CONNECTIONS, coming back here')
  t.equal(await page.locator('#status').innerText(), 'Signed out')
  t.notOk(await page.locator('#signed-out-notice').isVisible(), 'no "signed out" notice on a first visit')
  t.notOk(await page.locator('#signed-in').isVisible())
  await screenshot('signed-out')

  // 2. The embedded provider's identity chooser.
  await login.click()
  await page.waitForURL((url) => url.href.startsWith(`${stack.idp.issuer}/interaction/`))
  await page.getByRole('heading', { name: 'Who are you?' }).waitFor()
  const chris = page.getByRole('button', { name: /Chris Ricardo/ })
  t.ok(await chris.isVisible(), 'the test identity is offered')
  await screenshot('identity-chooser')

  // 3. Back on the page, signed in: the name, and the national number masked.
  await chris.click()
  await page.waitForURL(home)
  await page.getByRole('heading', { name: CHRIS_PROFILE.name }).waitFor()
  t.equal(await page.locator('#status').innerText(), 'Signed in')
  t.equal(await page.locator('#eid-label').textContent(), ' with itsme', 'the eID used')
  t.match(await page.locator('#profile').innerText(), /Birth date\s+1965-07-08/)
  t.match(await page.locator('#profile').innerText(), /Address\s+Louizalaan 7 1000 Brussel/)
  t.equal(await page.locator('#national-number').innerText(), MASKED, 'the national number is masked')
  const before = await pageText(page)
  for (const secret of [CHRIS_PROFILE.nationalNumber, SHOWN, '622.67', '62267']) {
    t.notOk(before.includes(secret), `${secret} is not on the page before "Show"`)
  }
  await screenshot('signed-in-number-masked')

  // 4. "Show" reveals it, "Hide" masks it again.
  const toggle = page.locator('#toggle-national-number')
  await toggle.click()
  t.equal(await page.locator('#national-number').innerText(), SHOWN, 'shown on request')
  t.equal(await toggle.getAttribute('aria-pressed'), 'true')
  await screenshot('national-number-shown')
  await toggle.click()
  t.equal(await page.locator('#national-number').innerText(), MASKED, 'masked again')
  t.notOk((await pageText(page)).includes(SHOWN), 'and gone from the page')

  // 5. The API call: X-CSRF from the page, a bearer token from the gateway, no token in the browser.
  const [apiRequest] = await Promise.all([
    page.waitForRequest((request) => new URL(request.url()).pathname === '/api/example/hello'),
    page.getByRole('button', { name: 'Call the API' }).click()
  ])
  t.equal(apiRequest.headers()['x-csrf'], '1', 'the page sends X-CSRF: 1')
  t.notOk(apiRequest.headers().authorization, 'the browser sends no token')
  await page.locator('#api-result').waitFor()
  t.equal(await page.locator('#api-status').innerText(), 'GET /api/example/hello → 200 OK')
  t.match(await page.locator('#api-body').innerText(), /"bearerToken": "received"/)
  t.equal(calls.length, 1, 'the upstream got one call')
  const call = calls[0]
  t.equal(call?.method, 'GET')
  t.equal(call?.path, '/hello', 'the path after /api/example')
  const token = /^Bearer (\S+)$/.exec(call?.authorization ?? '')?.[1]
  t.ok(token, 'the upstream received a bearer token')
  t.equal(await userinfoSub(stack.idp.issuer, token ?? ''), CHRIS_PROFILE.sub, 'a live access token of the signed-in person')
  t.notOk((await pageText(page)).includes(token ?? '\u0000'), 'the token never reaches the page')
  await screenshot('api-call')

  // 6. Log out: through the provider's end-session endpoint and back to the signed-out page.
  await page.getByRole('link', { name: 'Log out' }).click()
  await page.locator('#signed-out-notice').waitFor()
  t.equal(page.url(), home, 'the logout lands on the page')
  t.equal(await page.locator('#status').innerText(), 'Signed out')
  t.ok(await page.getByRole('link', { name: 'Log in with itsme' }).isVisible(), 'the login button is back')
  t.notOk(await page.locator('#signed-in').isVisible(), 'no profile is shown')
  t.equal(await page.evaluate(async () => (await fetch('/me')).status), 401, '/me is 401 for this browser')
  const cookies = await context.cookies(home)
  t.notOk(cookies.some((cookie) => cookie.name === stack.config.session.cookieName), 'the session cookie is gone')
  await screenshot('signed-out-after-logout')

  t.same(problems, [], 'no script error and no content security policy violation')
})
