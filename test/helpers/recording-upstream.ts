import { createHash } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly bodyBytes: number
  readonly bodySha256: string
}

export interface RecordingUpstream {
  readonly url: string
  readonly received: ReceivedRequest[]
  /** Lets a pending `/stream` response send its last chunk. */
  releaseStream (): void
  /** Resolves once a `/hold` request has arrived (and is being held). */
  holding (): Promise<void>
  /** Lets every held `/hold` request be answered. */
  releaseHeld (): void
  close (): Promise<void>
}

/** What a careless or compromised service might answer with, to loosen the gateway's own policy. */
export const HOSTILE_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src * 'unsafe-inline' 'unsafe-eval'",
  'x-frame-options': 'ALLOWALL',
  'cache-control': 'public, max-age=86400',
  'strict-transport-security': 'max-age=0',
  'referrer-policy': 'unsafe-url',
  'x-content-type-options': 'sniff',
  'cross-origin-resource-policy': 'cross-origin',
  'access-control-allow-origin': 'https://evil.example',
  'access-control-allow-credentials': 'true',
  'access-control-allow-headers': 'x-csrf',
  'access-control-expose-headers': 'x-request-id'
}

/**
 * A downstream service for proxy tests, on loopback: it records every request
 * it gets and answers by path:
 * - `/stream`: one chunk at once, the second only after `releaseStream()`;
 * - `/slow`: never answers (the gateway's timeout must);
 * - `/hold`: answers only after `releaseHeld()` (a call in flight across something else);
 * - `/cookie`: tries to set a cookie;
 * - `/missing`: its own 404;
 * - `/hostile-headers`: 200 with headers that would rule the gateway's origin
 *   (`HOSTILE_RESPONSE_HEADERS`: a lax CSP, framing allowed, caching, HSTS, CORS);
 * - anything else: 200 with what it received, as JSON.
 * With `echoOnly`, every path is "anything else" (for generated paths).
 */
export async function startRecordingUpstream ({ echoOnly = false }: { echoOnly?: boolean } = {}): Promise<RecordingUpstream> {
  const received: ReceivedRequest[] = []
  let release: () => void = () => {}
  let released = new Promise<void>((resolve) => { release = resolve })
  let releaseHold: () => void = () => {}
  let held = new Promise<void>((resolve) => { releaseHold = resolve })
  let arrived: () => void = () => {}
  let holding = new Promise<void>((resolve) => { arrived = resolve })
  const server = createServer((req, res) => {
    const hash = createHash('sha256')
    let bytes = 0
    req.on('data', (chunk: Buffer) => { bytes += chunk.length; hash.update(chunk) })
    req.on('end', () => {
      const record = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: bytes, bodySha256: hash.digest('hex') }
      received.push(record)
      const path = record.url.split('?')[0] as string
      if (echoOnly) {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(record))
        return
      }
      if (path.endsWith('/stream')) {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('first chunk\n')
        void released.then(() => res.end('last chunk\n'))
        return
      }
      if (path.endsWith('/slow')) return
      if (path.endsWith('/hold')) {
        arrived()
        void held.then(() => {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(JSON.stringify(record))
        })
        return
      }
      if (path.endsWith('/cookie')) {
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'bff=planted; Path=/' })
        res.end('{"ok":true}')
        return
      }
      if (path.endsWith('/hostile-headers')) {
        res.writeHead(200, { 'content-type': 'application/json', ...HOSTILE_RESPONSE_HEADERS })
        res.end('{"ok":true}')
        return
      }
      if (path.endsWith('/missing')) {
        res.writeHead(404, { 'content-type': 'application/json' })
        res.end('{"error":"no_such_item"}')
        return
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'recording' })
      res.end(JSON.stringify(record))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    releaseStream () {
      release()
      released = new Promise<void>((resolve) => { release = resolve })
    },
    holding: async () => await holding,
    releaseHeld () {
      releaseHold()
      held = new Promise<void>((resolve) => { releaseHold = resolve })
      holding = new Promise<void>((resolve) => { arrived = resolve })
    },
    async close () {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
