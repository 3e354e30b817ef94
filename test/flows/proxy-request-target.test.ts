import t from 'tap'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { startStack, type Stack } from '../helpers/gateway.js'
import { sendRaw, type RawAnswer } from '../helpers/hostile-requests.js'
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js'
import { TestBrowser } from '../helpers/test-browser.js'

interface Setup {
  readonly stack: Stack
  readonly upstream: RecordingUpstream
  /** Another service on loopback that no request through the gateway may ever reach. */
  readonly victim: RecordingUpstream
  readonly victimAuthority: string
  /** What a signed-in frontend sends with every /api call. */
  readonly headers: Record<string, string>
}

async function setUp (t: { teardown (fn: () => unknown): void }): Promise<Setup> {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  const victim = await startRecordingUpstream()
  t.teardown(() => victim.close())
  const stack = await startStack(t, {
    env: {
      UPSTREAMS: JSON.stringify({
        // No path: the absolute-form trick turned this one into a request to any host.
        root: upstream.url,
        example: `${upstream.url}/v1`,
        echo: `${upstream.url}/base`
      })
    }
  })
  const browser = new TestBrowser()
  await signInThroughGateway(browser, stack.gatewayUrl)
  const headers = { cookie: browser.cookieHeader(stack.gatewayUrl), 'x-csrf': '1' }
  return { stack, upstream, victim, victimAuthority: new URL(victim.url).host, headers }
}

/** What came back, for assertion messages: the status and the start of the body. */
function said (answer: RawAnswer): string {
  return `got ${answer.status} ${answer.body.slice(0, 100)}`
}

function errorOf (answer: RawAnswer): unknown {
  try {
    return (JSON.parse(answer.body) as { error?: unknown }).error
  } catch {
    return `not JSON: ${answer.body.slice(0, 80)}`
  }
}

/**
 * An absolute-form target whose scheme and userinfo are as long as `/api/<mount>`:
 * cut at that offset, the rest begins with `@<victim>`, so the upstream's origin
 * became mere userinfo in front of the victim's authority.
 */
function userinfoTrick (scheme: 'http' | 'https', mount: string, victimAuthority: string, rest: string): string {
  const prefix = `${scheme}://`
  return `${prefix}${'x'.repeat(`/api/${mount}`.length - prefix.length)}@${victimAuthority}/api/${mount}${rest}`
}

t.test('an absolute-form request line cannot aim the proxy, its bearer token or a body at another host', async (t) => {
  const { stack, upstream, victim, victimAuthority, headers } = await setUp(t)
  const gateway = new URL(stack.gatewayUrl).host
  const targets = [
    userinfoTrick('http', 'root', victimAuthority, '/steal'),
    userinfoTrick('https', 'root', victimAuthority, '/steal'),
    userinfoTrick('http', 'example', victimAuthority, '/steal'),
    `http://${victimAuthority}/api/root/steal`,
    `http://${gateway}/api/root/steal`,
    `HTTP://${gateway}/api/echo/steal?a=1`
  ]
  for (const path of targets) {
    for (const method of ['GET', 'POST']) {
      const answer = await sendRaw(stack.gatewayUrl, { method, path, headers: { ...headers, 'content-type': 'application/json' }, body: method === 'POST' ? Buffer.from('{"transfer":1000}') : undefined })
      t.equal(answer.status, 400, `${method} ${path}: ${said(answer)}`)
      t.equal(errorOf(answer), 'invalid_request', `${method} ${path}: our JSON error`)
    }
  }
  t.same(victim.received.map((r) => `${r.method} ${r.url} ${String(r.headers.authorization).slice(0, 12)}`), [], 'the victim received nothing')
  t.same(upstream.received.map((r) => r.url), [], 'the upstream received nothing either')
})

t.test('percent-encoding in the mount name reaches that mount\'s base path and nothing else', async (t) => {
  const { stack, upstream, victim, headers } = await setUp(t)
  const cases: Array<[string, string]> = [
    ['/api/exampl%65/x', '/v1/x'],
    ['/api/%65xample/x?q=1', '/v1/x?q=1'],
    ['/api/roo%74/x', '/x'],
    ['/api/%72%6F%6F%74/x/y', '/x/y'],
    ['/api/ech%6F/items/42?filter=a%20b', '/base/items/42?filter=a%20b']
  ]
  for (const [path, expected] of cases) {
    const before = upstream.received.length
    const answer = await sendRaw(stack.gatewayUrl, { method: 'GET', path, headers, body: undefined })
    t.equal(answer.status, 200, `${path}: ${said(answer)}`)
    t.same(upstream.received.slice(before).map((r) => r.url), [expected], `${path} reaches ${expected}`)
  }
  t.equal(victim.received.length, 0, 'the victim received nothing')
})

t.test('a request-target that is not origin-form is refused on every route, before any session is loaded', async (t) => {
  const { stack, upstream, headers } = await setUp(t)
  const store = stack.app.sessionStore
  const get = store.get.bind(store)
  let loads = 0
  store.get = async (id) => { loads++; return await get(id) }
  const gateway = new URL(stack.gatewayUrl).host
  t.equal((await sendRaw(stack.gatewayUrl, { method: 'GET', path: '/me', headers, body: undefined })).status, 200, 'origin-form: the session is there')
  t.equal(loads, 1, 'and it was loaded')

  const refused: Array<[string, string]> = [
    ['GET', `http://${gateway}/me`],
    ['GET', `https://${gateway}/healthz`],
    ['GET', `http://${gateway}/login?returnTo=/me`],
    ['POST', `http://${gateway}/backchannel-logout`],
    ['GET', `http://evil.example/api/echo/x`],
    ['OPTIONS', '*'],
    ['GET', '*']
  ]
  for (const [method, path] of refused) {
    const answer = await sendRaw(stack.gatewayUrl, { method, path, headers, body: undefined })
    t.equal(answer.status, 400, `${method} ${path}: ${said(answer)}`)
    t.equal(errorOf(answer), 'invalid_request', `${method} ${path}`)
    t.notOk(answer.headers['set-cookie'], `${method} ${path}: no cookie set or cleared`)
    t.match(String(answer.headers['content-security-policy']), /default-src 'self'/, `${method} ${path}: the security headers`)
  }
  t.equal(loads, 1, `none of them loaded the session (loads: ${loads})`)
  t.same(upstream.received.map((r) => r.url), [], 'nothing reached the upstream')
})

t.test('query strings: a broken escape is a 400, and anything else goes to the upstream as sent', async (t) => {
  const { stack, upstream, headers } = await setUp(t)
  for (const path of ['/api/echo/x?x=%', '/api/echo/x?a=1&b=%zz', '/api/root/x?%E0%A4%A']) {
    const answer = await sendRaw(stack.gatewayUrl, { method: 'GET', path, headers, body: undefined })
    t.equal(answer.status, 400, `${path}: ${said(answer)}`)
    t.equal(errorOf(answer), 'invalid_request', path)
  }
  t.equal(upstream.received.length, 0, 'none of them reached the upstream')

  for (const query of ['?next=../a', '?next=..%2F..%2Fadmin', '?a=%2e%2e/b&a=2', '?path=/x/../../y&q=%20']) {
    const before = upstream.received.length
    const answer = await sendRaw(stack.gatewayUrl, { method: 'GET', path: `/api/echo/x${query}`, headers, body: undefined })
    t.equal(answer.status, 200, `${query}: ${said(answer)}`)
    t.same(upstream.received.slice(before).map((r) => r.url), [`/base/x${query}`], `${query} passes unchanged`)
  }
})

t.test('dot segments, encoded slashes and backslashes never leave the base path', async (t) => {
  const { stack, upstream, victim, headers } = await setUp(t)
  for (const path of ['/api/echo/..', '/api/echo/a/../../x', '/api/echo/%2e%2E/x', '/api/echo/.%2e/x', '/api/echo/a%2fb', '/api/echo/a%2F..%2F..%2Fx', '/api/echo/a%5cb', '/api/echo/a\\..\\x', '/api/echo/%5c%5cevil.example/x']) {
    const answer = await sendRaw(stack.gatewayUrl, { method: 'GET', path, headers, body: undefined })
    t.equal(answer.status, 400, `${path}: ${said(answer)}`)
    t.equal(errorOf(answer), 'invalid_request', path)
  }
  t.equal(upstream.received.length, 0, 'none of them reached the upstream')

  for (const [path, expected] of [['/api/echo//evil.example/x', '/base//evil.example/x'], ['/api/root//127.0.0.1/x', '//127.0.0.1/x'], ['/api/echo/', '/base/'], ['/api/echo/@evil.example', '/base/@evil.example']] as const) {
    const before = upstream.received.length
    const answer = await sendRaw(stack.gatewayUrl, { method: 'GET', path, headers, body: undefined })
    t.equal(answer.status, 200, `${path}: ${said(answer)}`)
    t.same(upstream.received.slice(before).map((r) => r.url), [expected], `${path} stays a path on the upstream`)
  }
  t.equal(victim.received.length, 0)
})
