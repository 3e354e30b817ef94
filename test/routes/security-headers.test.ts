import t from 'tap'
import { buildTestApp } from '../helpers/inject-app.js'

t.test('every response carries the hardening headers and is not cached', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/me', '/healthz', '/no-such-route', '/callback?state=x']) {
    const res = await app.inject({ method: 'GET', url })
    const csp = String(res.headers['content-security-policy'])
    t.match(csp, /default-src 'self'/, `${url}: a content security policy`)
    t.match(csp, /script-src 'self'(;|$)/, `${url}: no inline or foreign scripts`)
    t.match(csp, /frame-ancestors 'none'/, `${url}: never framed`)
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['referrer-policy'], 'no-referrer')
    t.equal(res.headers['cache-control'], 'no-store', `${url}: not cached`)
    t.equal(res.headers['strict-transport-security'], undefined, 'no HSTS on an http origin')
  }
})

t.test('HSTS when the gateway is served over https', async (t) => {
  const { app } = await buildTestApp(t, { BASE_URL: 'https://app.example.com' })
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.match(String(res.headers['strict-transport-security']), /max-age=31536000; includeSubDomains/)
})
