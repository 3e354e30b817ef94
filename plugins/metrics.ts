import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { GatewayMetrics } from '../src/metrics.js'
import { MemorySessionStore } from '../src/sessions/memory-store.js'

declare module 'fastify' {
  interface FastifyInstance { metrics: GatewayMetrics }
}

/** `/api/<name>` and `/api/<name>/*`: the proxy's routes, one pair per upstream. */
const UPSTREAM_ROUTE = /^\/api\/([^/]+)(?:\/\*)?$/

/**
 * Counts every answer by route pattern, and the auth events by the routes
 * that answer them: the routes themselves stay free of metrics. The error
 * code comes from the error handler (`request.errorCode`).
 */
export default fp(async (app) => {
  const store = app.sessionStore
  // Only the memory store counts its sessions without a scan; Redis would need one per scrape.
  const metrics = new GatewayMetrics(store instanceof MemorySessionStore
    ? { activeSessions: () => store.size, pendingLogins: () => store.pendingLoginCount }
    : {})
  app.decorate('metrics', metrics)
  const cookieName = app.config.session.cookieName
  const upstreams = app.config.upstreams

  function clearedSessionCookie (reply: FastifyReply): boolean {
    const header = reply.getHeader('set-cookie')
    const cookies = Array.isArray(header) ? header : [String(header ?? '')]
    return cookies.some((cookie) => cookie.startsWith(`${cookieName}=;`))
  }

  function countAuthEvent (request: FastifyRequest, reply: FastifyReply, route: string): void {
    const status = reply.statusCode
    if (route === '/login') {
      if (status === 302) metrics.loginStarted()
    } else if (route === '/callback') {
      if (status === 302) metrics.loginSucceeded()
      else if (status >= 400) metrics.loginFailed(request.errorCode)
    } else if (route === '/logout') {
      // A 302 without a session (nothing to end) clears no cookie.
      if (status === 302 && clearedSessionCookie(reply)) metrics.loggedOut()
    } else if (route === '/backchannel-logout' && request.method === 'POST') {
      if (status === 200) metrics.backchannelLogout()
      else if (status >= 400) metrics.backchannelLogoutRejected(request.errorCode)
    }
  }

  app.addHook('onResponse', (request, reply, done) => {
    countResponse(request, reply)
    done()
  })

  function countResponse (request: FastifyRequest, reply: FastifyReply): void {
    // Undefined when no route matched: one label for every unknown URL.
    const route = request.routeOptions.url
    const seconds = reply.elapsedTime / 1000
    metrics.observeRequest({ method: request.method, route, statusCode: reply.statusCode, seconds })
    if (route === undefined) return
    countAuthEvent(request, reply, route)
    const upstream = UPSTREAM_ROUTE.exec(route)?.[1]
    // Answers the gateway gave itself (no session, no X-CSRF) never reached the upstream.
    if (upstream !== undefined && Object.hasOwn(upstreams, upstream) && request.errorCode === undefined) {
      metrics.observeUpstream(upstream, reply.statusCode, seconds)
    }
  }
}, { name: 'metrics', dependencies: ['config', 'stores', 'errors'] })
