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

t.test('the demo frontend in Chromium: log in with itsme, see the masked profile, call the API, step up for the high-assurance API, log out', { timeout: 240_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.fail(`${CHROMIUM} is missing: install Debian's chromium package to run the browser tests`)
    return
  }
  await mkdir(ARTIFACTS, { recursive: true })

  const calls: ExampleCall[] = []
  const upstream = await startExampleUpstream({ onCall: (call) => calls.push(call) })
  t.teardown(() => upstream.close())
  const stack = await startStack(t, {
    env: {
      EID_CONNECTIONS: JSON.stringify({
        itsme: { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:basic' },
        'itsme-advanced': { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:advanced' }
      }),
      UPSTREAMS: JSON.stringify({ example: upstream.url, 'example-high': { url: upstream.url, level: 'high' } })
    }
  })
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
  const login = page.getByRole('link', { name: 'Log in with itsme (substantial)', exact: true })
  await login.waitFor()
  t.equal(await login.getAttribute('href'), '/login?eid=itsme&returnTo=/', 'the eID of EID_CONNECTIONS, coming back here')
  t.equal(await page.getByRole('link', { name: 'Log in with itsme (high)', exact: true }).getAttribute('href'), '/login?eid=itsme-advanced&returnTo=/', 'each option, with the level it asks for')
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
  t.equal(await page.locator('#level-label').textContent(), ' · substantial', 'itsme basic is substantial')
  t.match(await page.locator('#profile').innerText(), /Assurance\s+substantial \(urn:grn:authn:itsme:basic\)/)
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
    page.getByRole('button', { name: 'Call example', exact: true }).click()
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

  // 6. The high-assurance API refuses the substantial login (RFC 9470) and the page offers the step-up.
  const callHigh = page.getByRole('button', { name: 'Call example-high (needs high)' })
  const [refusal] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === '/api/example-high/hello'),
    callHigh.click()
  ])
  t.equal(refusal.status(), 401)
  t.equal(refusal.headers()['www-authenticate'], 'Bearer error="insufficient_user_authentication", error_description="This service needs a login at the level high or higher", acr_values="urn:grn:authn:itsme:advanced"')
  const stepUp = page.locator('#step-up-link')
  await stepUp.waitFor()
  t.equal(await stepUp.innerText(), 'Step up with itsme (high)')
  t.equal(await stepUp.getAttribute('href'), '/login?eid=itsme-advanced&stepUp=1&returnTo=%2F', 'the option whose acr value the challenge names')
  t.equal(calls.length, 1, 'nothing reached the upstream')
  await screenshot('step-up-offered')
  const cookieBefore = (await context.cookies(home)).find((cookie) => cookie.name === stack.config.session.cookieName)?.value

  // 7. The step-up: the provider authenticates again, and the call is made again, now at level high.
  await stepUp.click()
  await page.waitForURL((url) => url.href.startsWith(`${stack.idp.issuer}/interaction/`))
  await page.getByRole('button', { name: /Chris Ricardo/ }).click()
  await page.waitForURL(home)
  await page.locator('#level-label').filter({ hasText: 'high' }).waitFor()
  await page.locator('#api-status').filter({ hasText: '200' }).waitFor()
  t.equal(await page.locator('#api-status').innerText(), 'GET /api/example-high/hello → 200 OK', 'the call made again after the step-up')
  t.match(await page.locator('#profile').innerText(), /Assurance\s+high \(urn:grn:authn:itsme:advanced\)/)
  t.notOk(await page.locator('#step-up').isVisible(), 'no step-up offered any more')
  t.equal(calls.length, 2, 'the upstream got the call once')
  const steppedToken = /^Bearer (\S+)$/.exec(calls[1]?.authorization ?? '')?.[1]
  t.ok(steppedToken, 'with a bearer token')
  t.not(steppedToken, token, 'the step-up\'s new access token')
  t.equal(await userinfoSub(stack.idp.issuer, steppedToken ?? ''), CHRIS_PROFILE.sub, 'of the same person')
  const sessionCookies = (await context.cookies(home)).filter((cookie) => cookie.name === stack.config.session.cookieName)
  t.equal(sessionCookies.length, 1, 'one session cookie')
  t.not(sessionCookies[0]?.value, cookieBefore, 'with a new value')
  await screenshot('stepped-up')

  // 8. Log out: through the provider's end-session endpoint and back to the signed-out page.
  await page.getByRole('link', { name: 'Log out' }).click()
  await page.locator('#signed-out-notice').waitFor()
  t.equal(page.url(), home, 'the logout lands on the page')
  t.equal(await page.locator('#status').innerText(), 'Signed out')
  t.ok(await page.getByRole('link', { name: 'Log in with itsme (substantial)', exact: true }).isVisible(), 'the login button is back')
  t.notOk(await page.locator('#signed-in').isVisible(), 'no profile is shown')
  t.equal(await page.evaluate(async () => (await fetch('/me')).status), 401, '/me is 401 for this browser')
  const cookies = await context.cookies(home)
  t.notOk(cookies.some((cookie) => cookie.name === stack.config.session.cookieName), 'the session cookie is gone')
  await screenshot('signed-out-after-logout')

  t.same(problems, [], 'no script error and no content security policy violation')
})
