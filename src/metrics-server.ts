import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ErrorCode } from './errors.js'
import { METRICS_CONTENT_TYPE } from './metrics.js'

export interface MetricsServerOptions {
  readonly host: string
  readonly port: number
  /** The text exposition, read at each scrape. */
  readonly exposition: () => Promise<string>
  /** Whether an `Authorization` header may scrape (METRICS_TOKEN), or always yes. */
  readonly authorized: (authorization: string | undefined) => boolean
  readonly onError: (error: Error) => void
}

export interface MetricsServer {
  listen (): Promise<AddressInfo>
  close (): Promise<void>
}

/** Scrapes are small and quick: a client that dawdles is cut off. */
const HEADERS_TIMEOUT_MS = 5_000
const REQUEST_TIMEOUT_MS = 10_000

/**
 * `GET /metrics` on a listener of its own (METRICS_PORT), as oauth2-proxy
 * serves its metrics on its metrics address: the public port never answers
 * it, and the metrics port answers nothing else (404 for any other method or
 * path). No session, cookie, CSRF check or rate limit is involved: nothing
 * here reads a request beyond its method, path and Authorization header.
 */
export function createMetricsServer (options: MetricsServerOptions): MetricsServer {
  const server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }, (request, response) => {
    answer(request, response, options).catch((error: unknown) => {
      options.onError(error as Error)
      if (!response.headersSent) sendJson(response, 500, { error: 'internal_error', message: 'Something went wrong' })
      else response.destroy()
    })
  })
  return {
    listen: async () => await new Promise<AddressInfo>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port, options.host, () => {
        server.off('error', reject)
        resolve(server.address() as AddressInfo)
      })
    }),
    close: async () => {
      if (!server.listening) return
      // Prometheus keeps its connection alive between scrapes: do not wait for it.
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

async function answer (request: IncomingMessage, response: ServerResponse, options: MetricsServerOptions): Promise<void> {
  // Only the origin-form target "/metrics" (a query is ignored): "//metrics",
  // "/metrics/x" and absolute-form targets are other paths.
  const path = (request.url ?? '').split('?', 1)[0]
  if (request.method !== 'GET' || path !== '/metrics') {
    sendJson(response, 404, { error: 'not_found', message: 'No such route' })
    return
  }
  if (!options.authorized(request.headers.authorization)) {
    response.setHeader('www-authenticate', 'Bearer realm="metrics"')
    sendJson(response, 401, { error: 'unauthenticated', message: 'Send the metrics token as a bearer token' })
    return
  }
  const body = await options.exposition()
  response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
  response.end(body)
}

function sendJson (response: ServerResponse, status: number, body: { error: ErrorCode, message: string }): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
  response.end(JSON.stringify(body))
}
