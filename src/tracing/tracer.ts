import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api'
import { errorTypeOf, endpointAttributes, httpMethod } from './attributes.js'
import type { ClientSpan, ServerRequest, ServerSpan, SpanAttributes, SpanKindName, SpanOutcome, Tracing } from './types.js'

// Imported only when tracing is on (plugins/tracing.ts): off, this module and the SDK never load.

const TRACER_NAME = 'eid-bff-gateway'

export interface TracingOptions {
  /** BASE_URL: the server spans' `server.address`, `server.port` and `url.scheme`, rather than the client's Host header. */
  readonly baseUrl: URL
}

const KINDS: Readonly<Record<SpanKindName, SpanKind>> = { client: SpanKind.CLIENT, internal: SpanKind.INTERNAL }

/** The gateway's spans on the global tracer provider, which the SDK registered (src/tracing/sdk.ts). */
export function createTracing ({ baseUrl }: TracingOptions): Tracing {
  const tracer = trace.getTracer(TRACER_NAME)
  const server: SpanAttributes = { ...endpointAttributes(baseUrl), 'url.scheme': baseUrl.protocol.slice(0, -1) }

  return {
    startServerSpan ({ method, route, headers }: ServerRequest): ServerSpan {
      // W3C Trace Context from the caller: an invalid traceparent is ignored and the span starts a trace of its own.
      const parent = propagation.extract(ROOT_CONTEXT, headers)
      const known = httpMethod(method)
      const name = known === '_OTHER' ? 'HTTP' : route === undefined ? known : `${known} ${route}`
      const attributes: SpanAttributes = { ...server, 'http.request.method': known, ...(route === undefined ? {} : { 'http.route': route }) }
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: attributes as Attributes }, parent)
      const active = trace.setSpan(parent, span)
      return {
        // Already active (a request without a body reaches preValidation within onRequest's context): no new scope.
        enter: (next) => { if (context.active() === active) next(); else context.with(active, next) },
        // A server answered a 4xx as asked; only its own failures (5xx) are errors of the span.
        end: (outcome) => { endSpan(span, outcome, 500) }
      }
    },

    async inSpan<T> (name: string, kind: SpanKindName, attributes: SpanAttributes, work: () => Promise<T>): Promise<T> {
      return await tracer.startActiveSpan(name, { kind: KINDS[kind], attributes: attributes as Attributes }, async (span) => {
        let result: T
        try {
          result = await work()
        } catch (error) {
          endSpan(span, { errorType: errorTypeOf(error) }, 500)
          throw error
        }
        span.end()
        return result
      })
    },

    startClientSpan (name: string, attributes: SpanAttributes): ClientSpan {
      const parent = context.active()
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: attributes as Attributes }, parent)
      const headers: Record<string, string> = {}
      propagation.inject(trace.setSpan(parent, span), headers)
      return {
        headers,
        // For a client, the other side's 4xx is a failed call too.
        end: (outcome) => { endSpan(span, outcome, 400) }
      }
    }
  }
}

/** Ends `span` with its status and `error.type`; an error's message is never recorded. */
function endSpan (span: Span, { statusCode, errorType }: SpanOutcome, errorFrom: number): void {
  if (statusCode !== undefined) span.setAttribute('http.response.status_code', statusCode)
  const failed = statusCode !== undefined && statusCode >= errorFrom
  const type = errorType ?? (failed ? String(statusCode) : undefined)
  if (type !== undefined) span.setAttribute('error.type', type)
  if (failed || (statusCode === undefined && errorType !== undefined)) span.setStatus({ code: SpanStatusCode.ERROR })
  span.end()
}
