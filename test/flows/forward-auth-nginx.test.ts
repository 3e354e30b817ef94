import t from 'tap'
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { UPSTREAM_HEADERS } from '../../src/forward-auth/fields.js'
import { CHRIS_PROFILE } from '../helpers/constants.js'
import { logoutAtDevIdp, signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { freePort } from '../helpers/free-port.js'
import { startStack, TEST_SECRET } from '../helpers/gateway.js'
import { startShippedNginx } from '../helpers/nginx.js'
import { startRecordingUpstream, type ReceivedRequest } from '../helpers/recording-upstream.js'
import { TestBrowser } from '../helpers/test-browser.js'

const root = join(import.meta.dirname, '..', '..')

/** Every header of the family, as a browser would forge them, and an Authorization of its own. */
const FORGED: Record<string, string> = {
  ...Object.fromEntries(UPSTREAM_HEADERS.map((name) => [name, 'forged-by-the-browser'])),
  authorization: 'Bearer forged-by-the-browser',
  'x-original-uri': '/app/elsewhere'
}

function pairwise (sub: string, audience: string): string {
  const master = Buffer.from(hkdfSync('sha256', TEST_SECRET, 'eid-bff-gateway', 'pairwise-subject', 32))
  const iv = createHmac('sha256', Buffer.from(hkdfSync('sha256', master, '', `iv:${audience}`, 32))).update(sub).digest().subarray(0, 12)
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(hkdfSync('sha256', master, '', `enc:${audience}`, 32)), iv).setAAD(Buffer.from(audience))
  const body = Buffer.concat([cipher.update(sub, 'utf8'), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
}

/** The family's headers (and Authorization) that reached the app. */
function identityOf (request: ReceivedRequest | undefined): Record<string, string> {
  const found: Record<string, string> = {}
  for (const name of [...UPSTREAM_HEADERS, 'authorization']) {
    const value = request?.headers[name]
    if (value !== undefined) found[name] = String(value)
  }
  return found
}

/** A request with its target exactly as written: fetch would resolve `%2e%2e` and `..` before sending it. */
async function raw (url: string, target: string, headers: Record<string, string>): Promise<number> {
  return await new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const req = httpRequest({ hostname, port, path: target, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}

// The Compose deployment as a real nginx runs it: deploy/nginx.conf with its
// includes, in front of a gateway with the Compose file's FORWARD_AUTH, and
// an app at /app/ that only nginx reaches.
t.test('nginx auth_request with deploy/nginx.conf: /app/ opens only with a session, with only the rule\'s headers, until the session ends', async (t) => {
  const compose = parse(await readFile(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> }
  const forwardAuth = compose.services.gateway?.environment?.FORWARD_AUTH
  t.ok(forwardAuth, 'the Compose file sets FORWARD_AUTH')
  const port = await freePort()
  const publicUrl = `http://127.0.0.1:${port}`
  const stack = await startStack(t, { env: { BASE_URL: publicUrl, FORWARD_AUTH: forwardAuth ?? '' } })
  const app = await startRecordingUpstream()
  t.teardown(() => app.close())
  const nginx = await startShippedNginx(t, {
    port,
    upstreams: { gateways: `127.0.0.1:${stack.config.port}`, 'example-app': new URL(app.url).host }
  })
  const received = (): number => app.received.length

  t.test('signed out: a page redirects to /login and back; the app is never called', async (t) => {
    const browser = new TestBrowser()
    for (const method of ['GET', 'POST']) {
      const res = await browser.request(method, `${nginx.url}/app/page?tab=2`, { headers: FORGED })
      t.equal(res.status, 302, method)
      t.equal(res.location, `${publicUrl}/login?returnTo=${encodeURIComponent('/app/page?tab=2')}`, `${method}: the gateway's login, back to the page`)
    }
    t.equal(received(), 0, 'nothing reached the app')
  })

  t.test('the gateway\'s /auth is not for browsers: nginx keeps it and its internal location to itself', async (t) => {
    const browser = new TestBrowser()
    for (const path of ['/auth', '/auth/', '/auth/envoy/app/', '/_forward_auth', '/%61uth']) {
      const res = await browser.get(`${nginx.url}${path}`, { 'x-forwarded-uri': '/app/' })
      t.equal(res.status, 404, path)
      t.equal(res.headers.get('x-auth-request-user'), null, `${path}: no identity`)
    }
  })

  t.test('signed in through nginx: the app gets the rule\'s headers, set by nginx, and none of the browser\'s', async (t) => {
    const browser = new TestBrowser()
    const toLogin = await browser.get(`${nginx.url}/app/page?tab=2`)
    const login = await browser.get(toLogin.location as string)
    const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
    t.equal(callback.origin, publicUrl, 'the provider returns to the public origin')
    const landed = await browser.get(callback.href)
    t.equal(landed.location, `${publicUrl}/app/page?tab=2`, 'back at the page after the login')

    const page = await browser.get(landed.location as string, FORGED)
    t.equal(page.status, 200, 'the page opens')
    const seen = app.received.at(-1)
    t.equal(seen?.url, '/page?tab=2', 'the app under /app/')
    t.same(identityOf(seen), {
      'x-auth-request-user': pairwise(CHRIS_PROFILE.sub, '/app'),
      'x-auth-request-name': 'Chris Ricardo'
    }, 'the pairwise user id and the name, nothing else: every forged header was replaced or removed')
    t.notOk(JSON.stringify(seen?.headers).includes(CHRIS_PROFILE.sub), 'the provider\'s sub never reaches the app')

    const form = await browser.request('POST', `${nginx.url}/app/form`, { headers: { ...FORGED, 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' })
    t.equal(form.status, 200, 'nginx asks with the original method; /auth answers any')
    t.match(app.received.at(-1), { method: 'POST', url: '/form', bodyBytes: 3 })
    t.same(identityOf(app.received.at(-1)), identityOf(seen))

    const before = received()
    const sneaky = await browser.get(`${nginx.url}/app/x`, { 'x-forwarded-uri': '/elsewhere/' })
    t.equal(sneaky.status, 200, 'a forged X-Forwarded-Uri is replaced by nginx, never compared')
    t.equal(received(), before + 1)

    // nginx routes by the path it resolved (/app/page), and asks about the target as sent: the gateway refuses
    // the dot segments, and nginx answers 500 without calling the app.
    for (const target of ['/app/%2e%2e/app/page', '/app/x/../page', '/app/..;/page']) {
      t.equal(await raw(nginx.url, target, { cookie: browser.cookieHeader(nginx.url) }), 500, `${target}: refused`)
    }
    t.equal(received(), before + 1, 'the app was not called for them')

    const me = (await browser.get(`${nginx.url}/me`)).json()
    t.equal((await browser.get(`${nginx.url}${me.session.logoutUrl as string}`)).status, 302, 'logout')
    const after = await browser.get(`${nginx.url}/app/page`, FORGED)
    t.equal(after.status, 302, 'signed out: back to the login')
    t.equal(received(), before + 1, 'the app is not called again')
  })

  t.test('a back-channel logout from the provider closes the app too', async (t) => {
    const browser = new TestBrowser()
    const login = await browser.get(`${nginx.url}/login?returnTo=/app/`)
    await browser.get((await signInAtDevIdp(browser, login.location as string, 'chris')).href)
    t.equal((await browser.get(`${nginx.url}/app/`)).status, 200)
    const cookie = browser.cookieHeader(nginx.url)
    await logoutAtDevIdp(browser, new URL('/session/end', stack.idp.issuer).href)
    let status = 200
    for (let i = 0; i < 50 && status === 200; i++) {
      status = (await new TestBrowser().request('GET', `${nginx.url}/app/`, { headers: { cookie } })).status
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    t.equal(status, 302, 'the session the provider ended opens nothing, its old cookie included')
    t.match(stack.logs.text, /"sessionsEnded":1/, 'ended by the logout token, posted through nginx')
  })

  t.test('nginx logged no error but the refused dot segments', async (t) => {
    const errors = (await nginx.errors()).split('\n').filter((line) => /\[(error|crit|alert|emerg)\]/.test(line))
    t.ok(errors.length > 0, 'the refusals are logged')
    t.same(errors.filter((line) => !/auth request unexpected status: 400/.test(line)), [], 'nothing else')
  })
})
