import type { IncomingHttpHeaders } from 'node:http'

/**
 * Every attribute a gateway span may carry: OpenTelemetry's semantic
 * conventions, and `bff.*` names from the configuration. Values are route
 * patterns, methods, statuses, host names from the configuration and
 * stable error codes; never a path, a query, a header, an id or a claim.
 * Spans get their attributes through this type only, so a new one is a
 * deliberate change here.
 */
export interface SpanAttributes {
  readonly 'http.request.method'?: string
  /** The route's pattern (`/api/orders/*`), never the path: a path can name a subject. */
  readonly 'http.route'?: string
  readonly 'http.response.status_code'?: number
  readonly 'url.scheme'?: string
  /** A host from the configuration (BASE_URL, the provider's metadata, UPSTREAMS). */
  readonly 'server.address'?: string
  readonly 'server.port'?: number
  /** The gateway's stable error code (`invalid_state`), or the name of an error class. */
  readonly 'error.type'?: string
  readonly 'db.system.name'?: string
  readonly 'db.operation.name'?: string
  /** The upstream's name in UPSTREAMS. */
  readonly 'bff.upstream'?: string
  /** `memory` or `redis`. */
  readonly 'bff.session_store'?: string
}

/** How a span ended: the answer's status, the error code it was answered with. */
export interface SpanOutcome {
  readonly statusCode?: number
  readonly errorType?: string
}

/** What a request's server span is made from. */
export interface ServerRequest {
  readonly method: string
  /** The matched route's pattern; undefined when no route matched. */
  readonly route: string | undefined
  /** Read for W3C Trace Context (`traceparent`, `tracestate`) only. */
  readonly headers: IncomingHttpHeaders
}

/** A request's server span. */
export interface ServerSpan {
  /** Runs `next` (what follows in the request's life) with this span active, so the work it starts becomes its children. */
  enter (next: () => void): void
  end (outcome: SpanOutcome): void
}

/** A client span its caller ends, such as a proxied call whose answer streams on. */
export interface ClientSpan {
  /** The span's W3C Trace Context for the outgoing request: `traceparent`, and `tracestate` when there is one. */
  readonly headers: Readonly<Record<string, string>>
  end (outcome: SpanOutcome): void
}

export type SpanKindName = 'client' | 'internal'

/**
 * The gateway's spans, over the OpenTelemetry API (src/tracing/tracer.ts).
 * Present only when tracing is on; code that traces takes it as optional,
 * and without it does its work as it always did.
 */
export interface Tracing {
  /** The request's span, a child of the caller's `traceparent` when it sent a valid one. */
  startServerSpan (request: ServerRequest): ServerSpan
  /**
   * `work` in a child span of the active one. A failure sets `error.type`
   * (a GatewayError's code, else the error's class name) and is thrown on;
   * its message is never recorded.
   */
  inSpan<T> (name: string, kind: SpanKindName, attributes: SpanAttributes, work: () => Promise<T>): Promise<T>
  /** A client span, a child of the active one, ended by the caller. */
  startClientSpan (name: string, attributes: SpanAttributes): ClientSpan
}
