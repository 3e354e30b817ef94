// An example downstream service for docker-compose.yml, mounted by the gateway
// at /api/example/* (UPSTREAMS). It answers every GET with what arrived through
// the gateway: whether a bearer token came (never the token: the answer goes
// back to the browser) and the request id. A real service verifies the token
// (signature against the provider's JWKS, iss, aud, exp) before trusting it.
import { createServer } from 'node:http'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '0.0.0.0'

const server = createServer((req, res) => {
  req.resume()
  const path = (req.url ?? '/').split('?')[0]
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('cache-control', 'no-store')
  // The image's HEALTHCHECK asks this.
  if (path === '/healthz') {
    res.end('{"status":"ok"}')
    return
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' })
    res.end(JSON.stringify({ error: 'method_not_allowed', message: 'The example API only answers GET' }))
    return
  }
  const requestId = req.headers['x-request-id']
  res.end(JSON.stringify({
    message: 'Hello from the example API',
    method: req.method,
    path,
    bearerToken: /^Bearer \S+$/.test(req.headers.authorization ?? '') ? 'received' : 'missing',
    requestId: typeof requestId === 'string' ? requestId : undefined,
    receivedAt: new Date().toISOString()
  }))
})

server.listen(port, host, () => {
  const address = server.address()
  process.stdout.write(`${JSON.stringify({ msg: 'example API listening', port: address.port })}\n`)
})

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => server.close(() => process.exit(0)))
}
