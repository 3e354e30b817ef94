import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the example API saw of one call; `authorization` is for tests to check the relay. */
export interface ExampleCall {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
}

export interface ExampleUpstreamOptions {
  /** Loopback by default: only the gateway next to it calls this API. */
  readonly host?: string
  /** 0 (any free port) by default. */
  readonly port?: number
  /** Told of every call. */
  readonly onCall?: (call: ExampleCall) => void
}

export interface ExampleUpstream {
  readonly url: string
  close (): Promise<void>
}

/**
 * A downstream API for the demo frontend, as a service behind `/api/<name>/*`
 * would be: every GET answers with a greeting and what arrived through the
 * gateway. It says whether a bearer token came, never the token itself: the
 * answer is shown in the browser, which must never hold one.
 */
export async function startExampleUpstream (options: ExampleUpstreamOptions = {}): Promise<ExampleUpstream> {
  const server = createServer((req, res) => {
    // Bodies are not read: the example only answers GET.
    req.resume()
    const path = (req.url ?? '/').split('?')[0] as string
    const authorization = req.headers.authorization
    options.onCall?.({ method: req.method ?? '', path, authorization })
    res.setHeader('content-type', 'application/json; charset=utf-8')
    res.setHeader('cache-control', 'no-store')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' })
      res.end(JSON.stringify({ error: 'method_not_allowed', message: 'The example API only answers GET' }))
      return
    }
    const bearer = /^Bearer \S+$/.test(authorization ?? '')
    res.end(JSON.stringify({
      message: 'Hello from the example API',
      method: req.method,
      path,
      bearerToken: bearer ? 'received' : 'missing',
      requestId: typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : undefined,
      receivedAt: new Date().toISOString()
    }, null, 2))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const { address, port } = server.address() as AddressInfo
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
