import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { GatewayError, type ErrorCode } from './errors.js'
import type { FailureEvent, GatewayEvent, ReportedEvent } from './events.js'

/** The Prometheus text exposition format, version 0.0.4. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE

/** The one `route` label of every request that matched no route, whatever its URL. */
export const UNMATCHED_ROUTE = 'unmatched'

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

const UPSTREAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/**
 * Node process metrics (CPU, memory, event loop, GC) describe the process,
 * not one app: collected once, into a registry of their own, however many
 * gateways a process builds (tests build dozens).
 */
let processRegistry: Registry | undefined
function processMetrics (): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

export interface GatewayMetricsOptions {
  /** Signed-in sessions, when the store can count them without a scan. */
  readonly activeSessions?: () => number
  /** Logins in progress, likewise. */
  readonly pendingLogins?: () => number
}

export interface ObservedRequest {
  readonly method: string
  /** The route pattern (`/api/orders/*`), never the URL; undefined when no route matched. */
  readonly route: string | undefined
  readonly statusCode: number
  readonly seconds: number
}

/**
 * The gateway's Prometheus metrics, in a registry of its own (never the
 * global one), so several gateways in one process do not clash. Labels are
 * route patterns, methods, statuses, error codes and upstream names only:
 * nothing that names a person, a session or a token.
 */
export class GatewayMetrics {
  readonly registry = new Registry()
  readonly #requests: Counter<'method' | 'route' | 'status_code'>
  readonly #requestSeconds: Histogram<'method' | 'route' | 'status_code'>
  /** One counter per event, and per failure (by error code): a new event without one does not compile. */
  readonly #events: Readonly<Record<ReportedEvent, Counter>>
  readonly #failures: Readonly<Record<FailureEvent, Counter<'error'>>>
  readonly #refreshGrants: Counter
  readonly #refreshFailures: Counter<'error'>
  readonly #upstreamSeconds: Histogram<'upstream' | 'status_code'>
  /** Each request series' counter and histogram, bound to their labels once. */
  readonly #requestSeries = new Map<string, { count: { inc (): void }, seconds: { observe (value: number): void } }>()

  constructor (options: GatewayMetricsOptions = {}) {
    const registers = [this.registry]
    this.#requests = new Counter({ name: 'bff_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status_code'], registers })
    this.#requestSeconds = new Histogram({ name: 'bff_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method, route pattern and status', labelNames: ['method', 'route', 'status_code'], registers })
    this.#events = {
      login_started: new Counter({ name: 'bff_logins_started_total', help: 'Logins sent to the identity provider by /login', registers }),
      login_succeeded: new Counter({ name: 'bff_logins_succeeded_total', help: 'Logins that ended in a signed-in session at /callback', registers }),
      logged_out: new Counter({ name: 'bff_logouts_total', help: 'Sessions ended by /logout', registers }),
      backchannel_logout: new Counter({ name: 'bff_backchannel_logouts_total', help: 'Back-channel logout tokens accepted from the provider', registers })
    }
    this.#failures = {
      login_failed: new Counter({ name: 'bff_logins_failed_total', help: 'Callbacks that ended without a session, by error code', labelNames: ['error'], registers }),
      backchannel_logout_rejected: new Counter({ name: 'bff_backchannel_logouts_rejected_total', help: 'Back-channel logout requests refused, by error code', labelNames: ['error'], registers })
    }
    this.#refreshGrants = new Counter({ name: 'bff_token_refresh_grants_total', help: 'Refresh-token grants sent to the provider', registers })
    this.#refreshFailures = new Counter({ name: 'bff_token_refresh_failures_total', help: 'Refresh-token grants that failed, by error code (unauthenticated: refused by the provider)', labelNames: ['error'], registers })
    this.#upstreamSeconds = new Histogram({ name: 'bff_upstream_request_duration_seconds', help: 'Time to answer a proxied /api/<name> request, as seen by the gateway (token refresh included), by upstream name and status', labelNames: ['upstream', 'status_code'], buckets: UPSTREAM_BUCKETS, registers })

    const { activeSessions, pendingLogins } = options
    // Read at scrape time: nothing to keep in step as sessions come and go.
    if (activeSessions !== undefined) {
      this.registry.registerMetric(new Gauge({ name: 'bff_active_sessions', help: 'Signed-in sessions held by this instance\'s memory store', registers: [], collect () { this.set(activeSessions()) } }))
    }
    if (pendingLogins !== undefined) {
      this.registry.registerMetric(new Gauge({ name: 'bff_pending_logins', help: 'Logins in progress held by this instance\'s memory store', registers: [], collect () { this.set(pendingLogins()) } }))
    }
  }

  observeRequest ({ method, route, statusCode, seconds }: ObservedRequest): void {
    const knownMethod = KNOWN_METHODS.has(method) ? method : 'other'
    const key = `${knownMethod} ${statusCode} ${route ?? ''}`
    let series = this.#requestSeries.get(key)
    if (series === undefined) {
      // Looked up once per method, status and route pattern: a bounded set.
      const labels = { method: knownMethod, route: route ?? UNMATCHED_ROUTE, status_code: String(statusCode) }
      series = { count: this.#requests.labels(labels), seconds: this.#requestSeconds.labels(labels) }
      this.#requestSeries.set(key, series)
    }
    series.count.inc()
    series.seconds.observe(seconds)
  }

  /** Counts what a route reported (plugins/events.ts), a failure by its error code. */
  count (event: GatewayEvent): void {
    if ('errorCode' in event) this.#failures[event.name].inc({ error: errorLabel(event.errorCode) })
    else this.#events[event.name].inc()
  }

  /** Runs one refresh-token grant and counts it, and its failure with the error's code. */
  async countRefreshGrant<T> (grant: () => Promise<T>): Promise<T> {
    this.#refreshGrants.inc()
    try {
      return await grant()
    } catch (error) {
      this.#refreshFailures.inc({ error: errorLabel(error instanceof GatewayError ? error.code : undefined) })
      throw error
    }
  }

  /** `upstream` is a name from UPSTREAMS, so the label stays as small as the configuration. */
  observeUpstream (upstream: string, statusCode: number, seconds: number): void {
    this.#upstreamSeconds.observe({ upstream, status_code: String(statusCode) }, seconds)
  }

  /** Everything, process metrics first, in the text exposition format. */
  async exposition (): Promise<string> {
    const [node, gateway] = await Promise.all([processMetrics().metrics(), this.registry.metrics()])
    return `${node.trimEnd()}\n\n${gateway.trimEnd()}\n`
  }
}

/** Error codes are the gateway's own fixed set (never text from a request); `other` when there is none. */
function errorLabel (code: ErrorCode | undefined): string {
  return code ?? 'other'
}
