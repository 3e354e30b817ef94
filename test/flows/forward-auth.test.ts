import t, { type Test } from 'tap'
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { Validator } from '@seriousme/openapi-schema-validator'
import { signInAtDevIdp, signInThroughGateway, logoutAtDevIdp } from '../helpers/dev-idp-login.js'
import { startStack, TEST_SECRET, type Stack } from '../helpers/gateway.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { TestBrowser, type TestResponse } from '../helpers/test-browser.js'
import { UPSTREAM_HEADERS } from '../../src/forward-auth/fields.js'

/** itsme twice, as in the step-up flows: "basic" proves substantial, "advanced" high. */
const STEP_UP_EIDS = {
  itsme: { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:basic' },
  'itsme-advanced': { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:advanced' }
}

const RULES = {
  '/app/': { headers: ['user', 'name', 'givenName', 'email', 'ageOver18', 'eid'] },
  '/hr/': { headers: ['user', 'nationalNumber', 'nationalId', 'birthdate'], subject: 'sub' },
  '/hr/public/': { headers: [] },
  '/reports/': { headers: ['user'], audience: 'reporting' },
  '/reports-api/': { headers: ['user'], audience: 'reporting', accessToken: true },
  '/orders/': { headers: ['user'], accessToken: 'authorization' },
  '/secure/': { headers: ['user', 'level'], level: 'substantial' },
  '/high/': { headers: ['user', 'level'], level: 'high' },
  '/app/admin/': false
}

async function signedIn (t: Test, env: Record<string, string> = {}): Promise<{ stack: Stack, browser: TestBrowser }> {
  const stack = await startStack(t, { env: { FORWARD_AUTH: JSON.stringify(RULES), ...env } })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  return { stack, browser }
}

/** A forward-auth call as a proxy makes it: the browser's cookie, and the original target in X-Forwarded-Uri. */
async function check (stack: Stack, browser: TestBrowser, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<TestResponse> {
  return await browser.request(method, `${stack.gatewayUrl}/auth`, { headers: { 'x-forwarded-uri': target, ...headers } })
}

function identity (res: TestResponse): Record<string, string> {
  const found: Record<string, string> = {}
  for (const name of [...UPSTREAM_HEADERS, 'authorization']) {
    const value = res.headers.get(name)
    if (value !== null) found[name] = value
  }
  return found
}

/** A request with its target exactly as written: fetch would resolve `%2e%2e` and `..` before sending it. */
async function raw (url: string, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number, headers: Record<string, string | string[] | undefined> }> {
  return await new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const req = httpRequest({ hostname, port, path: target, method, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** What the gateway's pairwise id is meant to be: recomputed here from its definition, not read from the code. */
function expectedPairwise (secret: string, sub: string, audience: string): string {
  const master = Buffer.from(hkdfSync('sha256', secret, 'eid-bff-gateway', 'pairwise-subject', 32))
  const ivKey = Buffer.from(hkdfSync('sha256', master, '', `iv:${audience}`, 32))
  const encKey = Buffer.from(hkdfSync('sha256', master, '', `enc:${audience}`, 32))
  const iv = createHmac('sha256', ivKey).update(sub).digest().subarray(0, 12)
  const cipher = createCipheriv('aes-256-gcm', encKey, iv).setAAD(Buffer.from(audience))
  const body = Buffer.concat([cipher.update(sub, 'utf8'), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
}

t.test('without a session: 401 with a challenge and the way to sign in, never a redirect, no identity', async (t) => {
  const stack = await startStack(t, { env: { FORWARD_AUTH: JSON.stringify(RULES) } })
  const anonymous = new TestBrowser()
  for (const method of ['GET', 'HEAD', 'POST', 'DELETE']) {
    const res = await check(stack, anonymous, '/app/page?tab=2&x=%2F', {}, method)
    t.equal(res.status, 401, method)
    t.equal(res.location, undefined, `${method}: no redirect`)
    t.equal(res.headers.get('www-authenticate'), 'Cookie realm="eid-bff-gateway", form-action="/login"')
    t.equal(res.headers.get('x-auth-request-login'), `/login?returnTo=${encodeURIComponent('/app/page?tab=2&x=%2F')}`, 'back to the page, query and all')
    t.same(identity(res), {}, `${method}: no identity header`)
    if (method !== 'HEAD') t.same(res.json(), { error: 'unauthenticated', message: 'Sign in first' })
  }
  const forged = await anonymous.request('GET', `${stack.gatewayUrl}/auth`, { headers: { 'x-forwarded-uri': '/app/', cookie: 'bff=forged.c2lnbmF0dXJl' } })
  t.equal(forged.status, 401, 'a forged cookie is no session')
  t.same(identity(forged), {})
  t.equal((await check(stack, anonymous, '/app/admin/users')).status, 403, 'a refused prefix is refused before any session is looked at')
  t.equal((await check(stack, anonymous, '//evil.example/x')).headers.get('x-auth-request-login'), null, 'a target with no rule gets no login link')
  const disguise = await check(stack, anonymous, '/app/..//evil.example')
  t.equal(disguise.status, 400, 'a dot segment is refused before any session is looked at')
  t.equal(disguise.headers.get('x-auth-request-login'), null)
})

t.test('with a session: 202 and exactly the headers the rule names, minimised', async (t) => {
  const { stack, browser } = await signedIn(t)
  const app = await check(stack, browser, '/app/page', { 'x-forwarded-method': 'POST', 'x-forwarded-host': '127.0.0.1' })
  t.equal(app.status, 202)
  t.equal(app.text, '', 'no body')
  t.equal(app.headers.get('cache-control'), 'no-store')
  const appUser = expectedPairwise(TEST_SECRET, CHRIS_PROFILE.sub, '/app')
  t.same(identity(app), {
    'x-auth-request-user': appUser,
    'x-auth-request-name': 'Chris Ricardo',
    'x-auth-request-given-name': 'Chris',
    'x-auth-request-age-over-18': 'true',
    'x-auth-request-eid': 'itsme'
  }, 'a pairwise user id, no sub, no national number; no email, since the login sent none')
  t.same(app.setCookies, [], 'no cookie written')

  const hr = await check(stack, browser, '/hr/payslips/2026')
  t.same(identity(hr), {
    'x-auth-request-user': CHRIS_PROFILE.sub,
    'x-auth-request-national-number': '65070862267',
    'x-auth-request-national-id': 'BE:rrn:65070862267',
    'x-auth-request-birthdate': '1965-07-08'
  }, 'the raw sub and the national number only where the rule allows them')
  t.same(identity(await check(stack, browser, '/hr/public/holidays')), {}, 'a deeper prefix with no headers hands over nothing')
  t.equal((await check(stack, browser, '/hr/public/holidays')).status, 202, 'but admits the session')
})

t.test('pairwise ids: stable per audience and session, different across audiences, never the sub', async (t) => {
  const { stack, browser } = await signedIn(t)
  const userAt = async (target: string, who = browser): Promise<string | null> => (await check(stack, who, target)).headers.get('x-auth-request-user')
  const app = await userAt('/app/')
  const reports = await userAt('/reports/q3')
  t.equal(await userAt('/app/other'), app, 'the same at every path of the prefix')
  t.equal(await userAt('/app'), app, 'the prefix itself, without its slash')
  t.equal(await userAt('/reports-api/x'), reports, 'prefixes naming one audience share its ids')
  t.not(app, reports, 'two audiences cannot link the person')
  t.match(app, /^[A-Za-z0-9_-]+$/)
  t.not(app, CHRIS_PROFILE.sub)
  t.notOk(app?.includes('f729d0aa'), 'nothing of the sub shows')
  t.equal(reports, expectedPairwise(TEST_SECRET, CHRIS_PROFILE.sub, 'reporting'))

  const again = new TestBrowser()
  await signInThroughGateway(again, stack.gatewayUrl)
  t.equal(await userAt('/app/', again), app, 'the same person in a second session gets the same id')
  const luc = new TestBrowser()
  await signInThroughGateway(luc, stack.gatewayUrl, 'luc')
  t.not(await userAt('/app/', luc), app, 'another person another id')

  const pairwiseSecret = 'p4Ir-w1s3-Z9x8c7v6b5n4m3l2k1j0hgfd'
  const keyed = await signedIn(t, { PAIRWISE_SECRET: pairwiseSecret })
  const ownKey = (await check(keyed.stack, keyed.browser, '/app/')).headers.get('x-auth-request-user')
  t.equal(ownKey, expectedPairwise(pairwiseSecret, CHRIS_PROFILE.sub, '/app'), 'PAIRWISE_SECRET keys them when set')
  t.not(ownKey, app)
})

t.test('the path is matched as the service will serve it: no spelling picks a more generous rule', async (t) => {
  const { stack, browser } = await signedIn(t)
  const national = (res: TestResponse): string | null => res.headers.get('x-auth-request-national-number')
  for (const target of ['/hr/x', '//hr/x', '/hr//x', '/h%72/x', '/%68%72/payslips']) {
    const res = await check(stack, browser, target)
    t.equal(res.status, 202, target)
    t.equal(national(res), '65070862267', `${target} is /hr/x: the /hr/ rule`)
    t.equal(res.headers.get('x-auth-request-user'), CHRIS_PROFILE.sub)
  }
  for (const target of ['/app/admin/x', '/app//admin/x', '/app/%61dmin/x', '//app/admin']) {
    t.equal((await check(stack, browser, target)).status, 403, `${target}: the refused prefix, however spelled`)
  }
  // Dot segments: nginx would serve /app/../hr/x from /hr/, Fastify and Express from /app/; browsers never send them.
  for (const target of [
    '/app/../hr/x', '/app/%2e%2e/hr/x', '/app/.%2E/hr/x', '/app/./../hr/', '/hr/../app/x', '/app/admin/../x', '/app/Admin/../admin/x',
    '/hr//../app', '/app/..%2Fhr/x', '/app/..%5Chr/x', '/app/..;/hr/x', '/app/%252e%252e/hr/', 'http://127.0.0.1/hr/x', '/app/ x', '/app/%00'
  ]) {
    const res = await check(stack, browser, target)
    t.equal(res.status, 400, `${target}: refused, never guessed at`)
    t.equal(res.json().error, 'invalid_request')
    t.same(identity(res), {})
  }
  t.equal((await check(stack, browser, '/apple/')).status, 403, '/apple is not under /app')
  t.equal((await check(stack, browser, '/')).status, 403, 'no rule for / here')

  const both = await check(stack, browser, '/hr/x', { 'x-original-uri': '/app/x' })
  t.equal(both.status, 400, 'X-Original-URI from the browser against X-Forwarded-Uri from the proxy')
  t.same(identity(both), {})
  t.equal((await browser.request('GET', `${stack.gatewayUrl}/auth`, { headers: { 'x-original-uri': '/hr/x' } })).status, 202, 'X-Original-URI alone, as nginx\'s examples send it')
  const none = await browser.get(`${stack.gatewayUrl}/auth`)
  t.equal(none.status, 400, 'a proxy that does not say which request')
  t.match(none.json().message, /X-Forwarded-Uri or X-Original-URI/)
  const elsewhere = await check(stack, browser, '/app/', { 'x-forwarded-host': 'other.example.com' })
  t.equal(elsewhere.status, 400, 'a request for another host, where the cookie never goes')
})

t.test('the access token goes along only when the rule asks, in the header it names', async (t) => {
  const { stack, browser } = await signedIn(t)
  const asHeader = await check(stack, browser, '/reports-api/x')
  const token = asHeader.headers.get('x-auth-request-access-token')
  t.match(token, /^[\w.-]{20,}$/, 'X-Auth-Request-Access-Token')
  t.equal(asHeader.headers.get('authorization'), null)
  const asBearer = await check(stack, browser, '/orders/x')
  t.equal(asBearer.headers.get('authorization'), `Bearer ${token ?? ''}`, 'Authorization: Bearer, the same token')
  t.equal(asBearer.headers.get('x-auth-request-access-token'), null)
  for (const target of ['/app/', '/hr/', '/reports/']) {
    const res = await check(stack, browser, target)
    t.equal(res.headers.get('x-auth-request-access-token'), null, `${target}: no token`)
    t.equal(res.headers.get('authorization'), null, `${target}: no token`)
    t.notOk(res.text.includes(token ?? '-'), `${target}: not in the body either`)
  }
})

t.test('a rule\'s level: a login below it gets a 401 naming the step-up, and the step-up opens the path', async (t) => {
  const { stack, browser } = await signedIn(t, { EID_CONNECTIONS: JSON.stringify(STEP_UP_EIDS) })
  t.equal((await browser.get(`${stack.gatewayUrl}/me`)).json().assurance?.level, 'substantial', 'signed in with itsme "basic"')
  const secure = await check(stack, browser, '/secure/x')
  t.equal(secure.status, 202, 'a rule asking for substantial')
  t.equal(secure.headers.get('x-auth-request-level'), 'substantial')

  const high = await check(stack, browser, '/high/x?tab=1')
  t.equal(high.status, 401, 'a rule asking for high: not a 403, since a step-up can reach it')
  t.equal(high.json().error, 'insufficient_user_authentication')
  t.match(high.headers.get('www-authenticate'), /^Bearer error="insufficient_user_authentication", error_description="[^"]*", acr_values="urn:grn:authn:itsme:advanced"$/, 'RFC 9470')
  const stepUp = high.headers.get('x-auth-request-login')
  t.equal(stepUp, `/login?eid=itsme-advanced&stepUp=1&returnTo=${encodeURIComponent('/high/x?tab=1')}`, 'the step-up, back to the page')
  t.same(identity(high), {})

  const login = await browser.get(`${stack.gatewayUrl}${stepUp ?? ''}`)
  t.equal(new URL(login.location as string).searchParams.get('acr_values'), 'urn:grn:authn:itsme:advanced')
  const landed = await browser.get((await signInAtDevIdp(browser, login.location as string, 'chris')).href)
  t.equal(landed.location, `${stack.gatewayUrl}/high/x?tab=1`, 'back at the page after the step-up')
  const after = await check(stack, browser, '/high/x?tab=1')
  t.equal(after.status, 202, 'the stepped-up session opens it')
  t.equal(after.headers.get('x-auth-request-level'), 'high')
  t.equal(after.headers.get('x-auth-request-user'), expectedPairwise(TEST_SECRET, CHRIS_PROFILE.sub, '/high'), 'the same person, the same id')

  const anonymous = await check(stack, new TestBrowser(), '/high/x')
  t.equal(anonymous.json().error, 'unauthenticated', 'without a session: the plain login first')
  t.equal(anonymous.headers.get('x-auth-request-login'), `/login?returnTo=${encodeURIComponent('/high/x')}`)
})

t.test('a rule\'s level no eID option reaches: 403, since no step-up can help', async (t) => {
  const { stack, browser } = await signedIn(t)
  const res = await check(stack, browser, '/high/x')
  t.equal(res.status, 403)
  t.equal(res.json().error, 'access_denied')
  t.match(res.json().message, /assurance level high/)
  t.same(identity(res), {})
})

t.test('the identity goes with the session: logout and back-channel logout end it at once', async (t) => {
  const { stack, browser } = await signedIn(t)
  t.equal((await check(stack, browser, '/app/')).status, 202)
  const me = (await browser.get(`${stack.gatewayUrl}/me`)).json()
  const logout = await browser.get(`${stack.gatewayUrl}${me.session.logoutUrl as string}`)
  t.equal(logout.status, 302)
  const after = await check(stack, browser, '/app/')
  t.equal(after.status, 401, 'signed out')
  t.same(identity(after), {})

  const other = new TestBrowser()
  await signInThroughGateway(other, stack.gatewayUrl)
  const cookie = other.cookieHeader(stack.gatewayUrl)
  t.equal((await check(stack, other, '/app/')).status, 202)
  await logoutAtDevIdp(other, new URL('/session/end', stack.idp.issuer).href)
  let status = 202
  for (let i = 0; i < 50 && status === 202; i++) {
    status = (await new TestBrowser().request('GET', `${stack.gatewayUrl}/auth`, { headers: { cookie, 'x-forwarded-uri': '/app/' } })).status
    if (status === 202) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  t.equal(status, 401, 'the provider\'s back-channel logout ended it, the old cookie included')
})

t.test('Envoy\'s HTTP ext_authz: the original method and path after the prefix, 200 with the headers to add and to remove', async (t) => {
  const { stack, browser } = await signedIn(t)
  const envoy = async (path: string, method = 'GET', who = browser): Promise<TestResponse> => await who.request(method, `${stack.gatewayUrl}/auth/envoy${path}`, { headers: { 'content-length': '0' } })
  const app = await envoy('/app/page?x=1', 'POST')
  t.equal(app.status, 200, 'Envoy admits on 200 only')
  t.equal(app.headers.get('x-auth-request-user'), expectedPairwise(TEST_SECRET, CHRIS_PROFILE.sub, '/app'), 'the same id as /auth gives')
  const removed = (app.headers.get('x-envoy-auth-headers-to-remove') ?? '').split(', ')
  t.same([...removed, ...Object.keys(identity(app))].sort(), [...UPSTREAM_HEADERS].sort(), 'every header of the family is either set or removed')
  t.ok(removed.includes('x-auth-request-national-number') && removed.includes('x-auth-request-access-token'))
  t.notOk(removed.includes('x-auth-request-user'))
  const hr = await envoy('/h%72//x', 'DELETE')
  t.equal(hr.headers.get('x-auth-request-national-number'), '65070862267', 'normalised as /auth does')
  const cookie = browser.cookieHeader(stack.gatewayUrl)
  for (const path of ['/app/%2e%2e/hr/x', '/app/../hr/x', '/app/..%2Fhr/x', '/app/..;/hr/x', '/hr//../app/']) {
    const res = await raw(stack.gatewayUrl, `/auth/envoy${path}`, { cookie })
    t.equal(res.status, 400, `${path}: refused as /auth refuses it`)
    t.equal(res.headers['x-auth-request-user'], undefined)
  }
  t.equal((await envoy('/app/admin/')).status, 403)
  const anonymous = await envoy('/app/page', 'GET', new TestBrowser())
  t.equal(anonymous.status, 401, 'Envoy sends the 401 to the browser as it is')
  t.equal(anonymous.headers.get('x-auth-request-login'), `/login?returnTo=${encodeURIComponent('/app/page')}`)
  t.equal(anonymous.headers.get('x-envoy-auth-headers-to-remove'), null)
  const escaped = await browser.get(`${stack.gatewayUrl}/auth/%65nvoy/app/`)
  t.equal(escaped.status, 400, 'an escaped prefix is not cut off by its length')
})

t.test('off without FORWARD_AUTH; documented in OpenAPI with it', async (t) => {
  const off = await startStack(t)
  t.equal((await new TestBrowser().get(`${off.gatewayUrl}/auth`, { 'x-forwarded-uri': '/app/' })).status, 404)
  t.equal((await new TestBrowser().get(`${off.gatewayUrl}/auth/envoy/app/`)).status, 404)

  const { stack } = await signedIn(t)
  const doc = (await new TestBrowser().get(`${stack.gatewayUrl}/openapi.json`)).json()
  const result = await new Validator().validate(structuredClone(doc))
  t.ok(result.valid, `a valid document: ${JSON.stringify(result.errors ?? []).slice(0, 500)}`)
  for (const path of ['/auth', '/auth/envoy/{*}']) {
    for (const method of ['get', 'post', 'delete']) t.ok(doc.paths[path]?.[method], `${method} ${path}`)
  }
  const get = doc.paths['/auth'].get
  t.same(Object.keys(get.responses).filter((status) => /^\d+$/.test(status)).sort(), ['202', '400', '401', '403', '500', '502', '503', '504'])
  t.ok(get.responses['202'].headers['x-auth-request-user'], 'the identity headers are documented')
  t.ok(get.responses['401'].headers['www-authenticate'] && get.responses['401'].headers['x-auth-request-login'])
  t.ok(doc.paths['/auth/envoy/{*}'].get.responses['200'].headers['x-envoy-auth-headers-to-remove'])
})
