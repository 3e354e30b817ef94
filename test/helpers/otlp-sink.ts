import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What an OTLP/HTTP sink received: export requests, their bytes, and which watched strings any of them held. */
export interface SinkCounts {
  readonly exports: number
  readonly bytes: number
  /** The names of the strings given to `watchFor` that some export held. */
  readonly found: string[]
}

export interface OtlpSink {
  /** The traces endpoint, as OTEL_EXPORTER_OTLP_TRACES_ENDPOINT takes it. */
  readonly url: string
  /** Strings to search each export for, by name: secrets no span may hold, or names a span should. */
  watchFor (named: Record<string, string>): void
  reset (): void
  counts (): SinkCounts
  close (): Promise<void>
}

/**
 * A collector that accepts OTLP/HTTP exports on loopback and drops them,
 * counting requests and bytes and searching them for strings no span may
 * hold: the gateway pays for building, encoding and sending its spans, and
 * nothing is kept. In the benchmark it runs in the suite's own process, so
 * its work is not counted as the gateway's.
 */
export async function startOtlpSink (): Promise<OtlpSink> {
  let exports = 0
  let bytes = 0
  let watched: Record<string, Buffer> = {}
  const found = new Set<string>()
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => { chunks.push(chunk) })
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      exports++
      bytes += body.length
      for (const [name, text] of Object.entries(watched)) if (body.includes(text)) found.add(name)
      // An empty ExportTraceServiceResponse: everything accepted.
      response.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' })
      response.end()
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    watchFor (named) { watched = Object.fromEntries(Object.entries(named).map(([name, text]) => [name, Buffer.from(text)])) },
    reset () { exports = 0; bytes = 0 },
    counts: () => ({ exports, bytes, found: [...found] }),
    async close () {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
