import t from 'tap'
import { request } from 'node:http'
import { freePort } from '../helpers/free-port.js'
import { startStack } from '../helpers/gateway.js'
import { signInThroughGateway } from '../helpers/dev-idp-login.js'
import { TestBrowser } from '../helpers/test-browser.js'

/** `name{…route="/healthz"…status_code="200"…} 3` → 3; 0 when the series is not there. */
function requestCount (exposition: string, route: string, status: number): number {
  const line = exposition.split('\n').find((candidate) =>
    candidate.startsWith('bff_http_requests_total{') && candidate.includes(`route="${route}"`) && candidate.includes(`status_code="${status}"`))
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

/** A raw request, for methods and targets fetch would not send as they are. */
async function rawRequest (port: number, method: string, path: string): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('with METRICS_PORT, /metrics is served on that port only, in production too, and closes with the app', async (t) => {
  const metricsPort = await freePort()
  const stack = await startStack(t, { env: { NODE_ENV: 'production', METRICS_PORT: String(metricsPort) } })
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`

  const onMain = await fetch(`${stack.gatewayUrl}/metrics`)
  t.equal(onMain.status, 404, 'the main listener has no /metrics')
  t.same(await onMain.json(), { error: 'not_found', message: 'No such route' })

  for (let i = 0; i < 3; i++) t.equal((await fetch(`${stack.gatewayUrl}/healthz`)).status, 200)
  await signInThroughGateway(new TestBrowser(), stack.gatewayUrl)

  const scrape = await fetch(metricsUrl)
  t.equal(scrape.status, 200, 'the metrics port serves the exposition')
  t.equal(scrape.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  t.equal(scrape.headers.get('cache-control'), 'no-store')
  const text = await scrape.text()
  t.match(text, /^# HELP bff_http_requests_total /m)
  t.match(text, /^process_cpu_user_seconds_total /m, 'the process metrics too')
  t.equal(requestCount(text, '/healthz', 200), 3, 'it counts what the main listener answered')
  t.equal(requestCount(text, '/metrics', 404), 0, 'the refused /metrics on the main port matched no route')
  t.match(text, /^bff_logins_succeeded_total 1$/m, 'and the login')
  t.notMatch(text, /65070862267|oidc\|itsme/, 'no label names anyone')

  for (const [method, path] of [['GET', '/'], ['GET', '/healthz'], ['GET', '/me'], ['GET', '/metrics/x'], ['POST', '/metrics'], ['DELETE', '/metrics'], ['GET', '//metrics'], ['GET', 'http://evil.example/metrics']] as const) {
    const res = await rawRequest(metricsPort, method, path)
    t.equal(res.status, 404, `${method} ${path}: the metrics port serves nothing else`)
    t.same(JSON.parse(res.body), { error: 'not_found', message: 'No such route' }, `${method} ${path}: as a JSON error`)
  }
  t.equal((await rawRequest(metricsPort, 'GET', '/metrics?name=x')).status, 200, 'a query string is ignored')

  await stack.app.close()
  await t.rejects(fetch(metricsUrl), 'the metrics listener closed with the app')
})

t.test('METRICS_TOKEN still guards /metrics on its own port', async (t) => {
  const metricsPort = await freePort()
  const token = 'metrics-token-0123456789abcdef'
  await startStack(t, { env: { METRICS_PORT: String(metricsPort), METRICS_TOKEN: token } })
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
  const refused = await fetch(metricsUrl, { headers: { authorization: `Bearer ${token.slice(0, -1)}x` } })
  t.equal(refused.status, 401)
  t.equal(refused.headers.get('www-authenticate'), 'Bearer realm="metrics"')
  t.same(await refused.json(), { error: 'unauthenticated', message: 'Send the metrics token as a bearer token' })
  t.equal((await fetch(metricsUrl, { headers: { authorization: `Bearer ${token}` } })).status, 200)
})

t.test('a metrics port already taken stops the start with an error', async (t) => {
  const stack = await startStack(t)
  const taken = Number(new URL(stack.gatewayUrl).port)
  await t.rejects(startStack(t, { env: { METRICS_PORT: String(taken) } }), { code: 'EADDRINUSE' })
})
