import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import replyFrom from '@fastify/reply-from'
import type { UpstreamConfig } from '../../src/config/index.js'
import { GatewayError } from '../../src/errors.js'
import { browserResponseHeaders, upstreamRequestHeaders } from '../../src/proxy/headers.js'
import { upstreamTarget } from '../../src/proxy/target.js'
import { startUpstreamSpan } from '../../src/tracing/upstream.js'
import { stepUpDemand } from '../../src/claims/step-up.js'
import { errorResponses } from '../../src/schemas/index.js'
import type { SessionUser } from '../../src/sessions/types.js'

const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS']

/**
 * `/api/<name>/*` → the upstream named in UPSTREAMS, with the session's token
 * as a bearer token: the frontend never holds a token, and the downstream
 * service never sees the browser's cookie.
 */
const api: FastifyPluginAsync = async (app) => {
  const upstreams = Object.entries(app.config.upstreams)
  if (upstreams.length === 0) return

  // Bodies stream through untouched, whatever their type: the upstream judges them.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, payload, done) => { done(null, payload) })
  await app.register(replyFrom, {
    disableRequestLogging: true,
    undici: { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 }
  })

  const publicUrl = app.config.baseUrl
  for (const [name, upstream] of upstreams) {
    const mountPath = `/api/${name}`
    const handler = async function relay (request: Parameters<typeof proxy>[0], reply: FastifyReply): Promise<FastifyReply> {
      return await proxy(request, reply, name, upstream, mountPath)
    }
    const options = {
      config: { csrf: true, upstream: name },
      schema: {
        summary: `Proxy to the ${name} service`,
        description: `Forwards the request to ${name} with ${tokenText(upstream)}. Any method; bodies stream both ways. Needs a session and the header \`X-CSRF: 1\`. A path that would leave the mount (dot segments, encoded slashes) or a query that is not valid percent-encoding is refused; ${name} has ${upstream.timeoutSeconds} s to answer. ${assuranceText(upstream)}`,
        tags: ['api'],
        security: [{ sessionCookie: [], csrfHeader: [] }],
        response: {
          '2xx': { description: `${name}'s own answer, streamed back with its status and headers (minus hop-by-hop headers, \`Set-Cookie\`, \`Access-Control-*\` and the gateway's own security headers, which stand)` },
          ...errorResponses([
            'invalid_request', 'unauthenticated', 'insufficient_user_authentication', 'csrf_required', 'cross_site_request', 'upstream_unavailable',
            'provider_unavailable', 'provider_error', 'session_store_unavailable', 'upstream_timeout', 'provider_timeout'
          ])
        }
      }
    }
    app.route({ method: METHODS, url: mountPath, ...options, handler })
    app.route({ method: METHODS, url: `${mountPath}/*`, ...options, handler })
  }

  async function proxy (request: import('fastify').FastifyRequest, reply: FastifyReply, name: string, upstream: UpstreamConfig, mountPath: string): Promise<FastifyReply> {
    // The wildcard as the router matched it; undefined on `/api/<name>` itself.
    const { url, query } = upstreamTarget(upstream.url, (request.params as { '*'?: string })['*'], request.url)
    // RFC 9470: a login below the service's level, or too long ago, goes no further (no refresh either).
    requireAssurance(reply, request.requireUser(), upstream)
    // No token to send, no reason to renew one: the session alone admits the call.
    // A service with a token of its own gets that one, never the session's (nor another service's).
    const user = upstream.token === 'none' || upstream.apiToken !== undefined ? request.requireUser() : await request.freshUser()
    const bearer = upstream.apiToken === undefined ? bearerFor(user, upstream) : await request.apiToken(name, upstream.apiToken)
    const assuranceLevel = user.assurance?.level
    reply.header('x-request-id', request.id)
    // With tracing on, the call is a client span whose trace context the upstream gets; off, undefined and nothing changes.
    const span = startUpstreamSpan(app.tracing, request.method, request.routeOptions.config.upstream ?? mountPath, upstream.url)
    return reply.from(url, {
      // The query as sent, beside the URL: reply-from would decode it and refuse `?next=../a`.
      queryString: () => query,
      timeout: upstream.timeoutSeconds * 1000,
      // No retries: a retried POST could act twice, and an upstream's 503 is its own answer to give.
      retryDelay: () => null,
      rewriteRequestHeaders: (original, headers) => upstreamRequestHeaders(headers, { bearer, requestId: original.id, clientAddress: original.ip, publicUrl, assuranceLevel, traceHeaders: span?.headers }),
      rewriteHeaders: (headers) => browserResponseHeaders(headers),
      // The span ends with the upstream's answer; its body then streams on to the browser as reply-from would send it.
      ...(span === undefined ? {} : { onResponse: (_request, proxyReply, response) => { span.end({ statusCode: response.statusCode }); proxyReply.send(response.stream) } }),
      onError: (proxyReply, { error }) => {
        const timedOut = (error as { statusCode?: number }).statusCode === 504
        request.log.warn({ upstream: mountPath, errorName: (error as Error).name, causeCode: ((error as Error).cause as { code?: string } | undefined)?.code }, 'upstream failed')
        const failure = timedOut
          ? new GatewayError('upstream_timeout', 'The service behind this route did not answer in time', 504)
          : new GatewayError('upstream_unavailable', 'The service behind this route is unavailable', 502)
        span?.end({ errorType: failure.code })
        proxyReply.code(failure.statusCode).send({ error: failure.code, message: failure.message })
      }
    })
  }

  /** A 401 `insufficient_user_authentication` with its challenge when the session's login does not do for this service. */
  function requireAssurance (reply: FastifyReply, user: SessionUser, upstream: UpstreamConfig): void {
    const demand = stepUpDemand(user.assurance, upstream, app.config.eids)
    if (demand === undefined) return
    reply.header('www-authenticate', demand.challenge)
    throw new GatewayError('insufficient_user_authentication', demand.message, 401)
  }
}

/** What the route's description says about the token it sends. */
function tokenText (upstream: UpstreamConfig): string {
  const own = upstream.apiToken
  if (own !== undefined) {
    const how = own.grant === 'token_exchange' ? 'exchanged for the session\'s access token (RFC 8693)' : 'got with the session\'s refresh token'
    return `an access token of its own for the ${own.parameter} \`${own.target}\`${own.scope === undefined ? '' : ` with the scopes \`${own.scope}\``} as a bearer token, ${how} and kept in the session until it is about to expire; a provider that refuses it is a 502 \`provider_error\``
  }
  return upstream.token === 'none' ? 'the session\'s cookie removed' : `the session's ${upstream.token} token as a bearer token`
}

/** What the route's description says about the login it needs. */
function assuranceText (upstream: UpstreamConfig): string {
  const needs = [
    upstream.level === undefined ? undefined : `a login at the eIDAS level ${upstream.level} or higher`,
    upstream.maxAgeSeconds === undefined ? undefined : `an authentication from the last ${upstream.maxAgeSeconds} s`
  ].filter((need) => need !== undefined)
  const level = 'The gateway sends the login\'s level as `X-Assurance-Level` (the browser\'s own is dropped).'
  if (needs.length === 0) return level
  return `Needs ${needs.join(' and ')}: otherwise a 401 \`insufficient_user_authentication\` with an RFC 9470 \`WWW-Authenticate\` challenge (\`acr_values\`, \`max_age\`), and nothing reaches the service. ${level}`
}

function bearerFor (user: SessionUser, upstream: UpstreamConfig): string | undefined {
  if (upstream.token === 'access') return user.tokens.accessToken
  if (upstream.token === 'id') return user.tokens.idToken
  return undefined
}

export default api
