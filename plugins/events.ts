import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { EventListener, FailureEvent, GatewayEvent, ReportedEvent } from '../src/events.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Where events go: every listener hears every event, once its answer was sent. */
    events: { subscribe (listener: EventListener): void }
  }
  interface FastifyRequest {
    /** Says what this request did; heard once the answer went out, unless that answer is an error. */
    report (event: ReportedEvent): void
  }
  interface FastifyContextConfig {
    /** What an error answer of this route means; heard with the answer's error code. */
    failureEvent?: FailureEvent
  }
}

/**
 * Routes report what they did, and say what their failures mean; listeners
 * (the metrics) hear it when the answer is sent. Nothing is guessed from
 * statuses or headers.
 */
export default fp(async (app) => {
  const listeners: EventListener[] = []
  // Only the few requests that report anything get an entry.
  const reported = new WeakMap<FastifyRequest, ReportedEvent[]>()

  app.decorate('events', {
    subscribe (listener: EventListener) { listeners.push(listener) }
  })

  app.decorateRequest('report', function report (this: FastifyRequest, event: ReportedEvent) {
    const events = reported.get(this)
    if (events === undefined) reported.set(this, [event])
    else events.push(event)
  })

  app.addHook('onResponse', function hearEvents (request, reply, done) {
    // An answer from the error handler, or an error status set some other way.
    const failed = request.errorCode !== undefined || reply.statusCode >= 400
    if (failed) {
      const failure = request.routeOptions.config.failureEvent
      if (failure !== undefined) emit({ name: failure, errorCode: request.errorCode })
    } else {
      const events = reported.get(request)
      if (events !== undefined) for (const name of events) emit({ name })
    }
    done()
  })

  function emit (event: GatewayEvent): void {
    for (const listener of listeners) listener(event)
  }
}, { name: 'events', dependencies: ['errors'] })
