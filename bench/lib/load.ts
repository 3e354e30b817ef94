import autocannon from 'autocannon'

export interface LoadOptions {
  readonly url: string
  readonly headers?: Record<string, string>
  /** The status every answer must have; anything else is a breakage. */
  readonly expectStatus: number
  readonly connections: number
  readonly seconds: number
  readonly warmupSeconds: number
}

export interface LoadResult {
  readonly requestsPerSecond: number
  readonly requests: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Answers with another status, connection errors and timeouts. */
  readonly unexpected: number
  readonly statuses: Record<string, number>
}

/** autocannon against one URL: a warm-up that is thrown away, then the measured run. */
export async function measureLoad (options: LoadOptions): Promise<LoadResult> {
  const base = { url: options.url, connections: options.connections, headers: options.headers ?? {}, timeout: 10 }
  if (options.warmupSeconds > 0) await autocannon({ ...base, duration: options.warmupSeconds })
  const result = await autocannon({ ...base, duration: options.seconds })
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]))
  const expected = statuses[String(options.expectStatus)] ?? 0
  const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0)
  return {
    requestsPerSecond: Math.round(answered / result.duration),
    requests: answered,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    unexpected: answered - expected + result.errors + result.timeouts,
    statuses
  }
}
