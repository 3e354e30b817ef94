import t from 'tap'
import { createHash } from 'node:crypto'
import { Signer } from '@fastify/cookie'
import { buildTestApp } from '../helpers/inject-app.js'
import { TEST_SECRET } from '../helpers/constants.js'
import { GatewayError } from '../../src/errors.js'

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }
const STRICT_CSP = "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'"
// Production keeps /metrics from the public: here behind a token.
const PRODUCTION = { NODE_ENV: 'production', SESSION_SECRET: createHash('sha256').update('demo-test').digest('base64url'), METRICS_TOKEN: 'metrics-token-0123456789abcdef' }

t.test('in development a browser gets the demo page at /, under the strict policy, with no inline code', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/', headers: BROWSER })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(res.headers['content-security-policy'], STRICT_CSP)
  t.equal(res.headers.vary, 'Accept', 'caches keep the two answers apart')
  t.equal(res.headers['cache-control'], 'no-store')
  t.notOk(res.headers['set-cookie'], 'no session for the page')
  t.match(res.body, /<script type="module" src="\/demo\/app\.js"><\/script>/)
  t.match(res.body, /<link rel="stylesheet" href="\/demo\/app\.css">/)
  t.notMatch(res.body, /<script>|<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i, 'no inline script, style or event handler')
})

t.test('the demo\'s script and style sheet are served with their types and the same policy', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [url, type] of [['/demo/app.js', 'text/javascript; charset=utf-8'], ['/demo/app.css', 'text/css; charset=utf-8']] as const) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-type'], type, url)
    t.equal(res.headers['x-content-type-options'], 'nosniff', url)
    t.equal(res.headers['content-security-policy'], STRICT_CSP, url)
    t.ok(res.body.length > 500, `${url} has content`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/demo/other.js' })).statusCode, 404, 'nothing else is served from the folder')
  t.equal((await app.inject({ method: 'GET', url: '/demo/../package.json' })).statusCode, 404)
})

t.test('scripts and curl keep the JSON index at /, with the eIDs and the APIs and the levels they ask for', async (t) => {
  const { app } = await buildTestApp(t, {
    EID_CONNECTIONS: '{"itsme":"criipto-itsme","nobankid":"criipto-nobankid","mitid-high":{"acr_values":"urn:grn:authn:dk:mitid:high"}}',
    UPSTREAMS: '{"orders":"http://127.0.0.1:9/v1","pay":{"url":"http://127.0.0.1:9/pay","level":"high","maxAge":300}}'
  })
  for (const headers of [{}, { accept: '*/*' }, { accept: 'application/json' }]) {
    const res = await app.inject({ method: 'GET', url: '/', headers })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^application\/json/, JSON.stringify(headers))
    t.equal(res.headers.vary, 'Accept')
    t.same(res.json(), {
      service: 'eid-bff-gateway',
      links: { login: '/login?returnTo=/me', me: '/me', health: '/healthz', openapi: '/openapi.json' },
      eids: [
        { name: 'itsme', login: '/login?eid=itsme&returnTo=/', eid: 'itsme' },
        { name: 'nobankid', login: '/login?eid=nobankid&returnTo=/', eid: 'nobankid' },
        { name: 'mitid-high', login: '/login?eid=mitid-high&returnTo=/', eid: 'dkmitid', level: 'high', acrValues: ['urn:grn:authn:dk:mitid:high'] }
      ],
      apis: [{ name: 'orders', path: '/api/orders' }, { name: 'pay', path: '/api/pay', level: 'high', maxAge: 300 }],
      demo: true
    })
  }
})

t.test('the page and its files answer while the session store is down', async (t) => {
  const { app } = await buildTestApp(t)
  app.sessionStore.get = async () => { throw new GatewayError('session_store_unavailable', 'down', 503) }
  const cookie = `bff=${new Signer(TEST_SECRET).sign('a-session-id')}`
  t.equal((await app.inject({ method: 'GET', url: '/me', headers: { cookie } })).statusCode, 503, 'a route that reads the session fails')
  for (const url of ['/', '/demo/app.js', '/demo/app.css']) {
    const res = await app.inject({ method: 'GET', url, headers: { ...BROWSER, cookie } })
    t.equal(res.statusCode, 200, url)
  }
})

t.test('in production the demo is off: / is the JSON index for everyone and the files are not served', async (t) => {
  const { app } = await buildTestApp(t, PRODUCTION)
  const res = await app.inject({ method: 'GET', url: '/', headers: BROWSER })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.equal(res.json().demo, false)
  for (const url of ['/demo/app.js', '/demo/app.css']) {
    const asset = await app.inject({ method: 'GET', url })
    t.equal(asset.statusCode, 404, url)
    t.equal(asset.json().error, 'not_found')
  }
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.same(Object.keys(doc.paths['/'].get.responses['200'].content), ['application/json'], 'the document offers JSON only')
  t.notOk(doc.paths['/demo/app.js'], 'and no demo files')
})
