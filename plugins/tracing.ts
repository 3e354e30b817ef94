import fp from 'fastify-plugin'
import { UNTRACED_ROUTES } from '../src/tracing/attributes.js'
import type { ServerSpan, Tracing } from '../src/tracing/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's spans when tracing is on (TracingConfig); undefined, and nothing traced, when it is off. */
    tracing: Tracing | undefined
  }
  interface FastifyRequest {
    /** This request's server span, when tracing is on and the route is traced. */
    serverSpan: ServerSpan | undefined
  }
}

/**
 * One server span per request, named by the route's pattern (`GET /me`), a
 * child of the caller's `traceparent`. Off (no OTEL_* exporter configured),
 * this registers no hook and loads nothing of OpenTelemetry: the request
 * path is what it was without tracing.
 *
 * The span is made active for what follows its hooks: from onRequest (the
 * session load) and again from preValidation, because a request body is
 * read on the socket's events, which carry no request context; the
 * handler, the session save in onSend and the error handler then run
 * within it, and the spans they start are its children.
 */
export default fp(async (app) => {
  if (!app.config.tracing.enabled) {
    app.decorate('tracing', undefined)
    return
  }
  const { createTracing } = await import('../src/tracing/tracer.js')
  const tracing = createTracing({ baseUrl: app.config.baseUrl })
  app.decorate('tracing', tracing)
  app.decorateRequest('serverSpan', undefined)

  app.addHook('onRequest', function startServerSpan (request, _reply, done) {
    const route = request.routeOptions.url
    if (route !== undefined && UNTRACED_ROUTES.has(route)) {
      done()
      return
    }
    const span = tracing.startServerSpan({ method: request.method, route, headers: request.headers })
    request.serverSpan = span
    span.enter(done)
  })

  app.addHook('preValidation', function resumeServerSpan (request, _reply, done) {
    const span = request.serverSpan
    if (span === undefined) done()
    else span.enter(done)
  })

  app.addHook('onResponse', function endServerSpan (request, reply, done) {
    request.serverSpan?.end({ statusCode: reply.statusCode, errorType: request.errorCode })
    request.serverSpan = undefined
    done()
  })

  // The client went away before an answer: the span ends without a status.
  app.addHook('onRequestAbort', function abandonServerSpan (request, done) {
    request.serverSpan?.end({ errorType: 'request_aborted' })
    request.serverSpan = undefined
    done()
  })
}, { name: 'tracing', dependencies: ['config', 'errors'] })
