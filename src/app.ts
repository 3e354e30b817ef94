import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import Fastify, { type FastifyInstance, type FastifyReply, type onRequestHookHandler } from 'fastify'
import autoload from '@fastify/autoload'
import type { Config } from './config/index.js'
import { logOutput, loggerOptions } from './log.js'
import { answerClientError } from './client-errors.js'
import { requestIdOf } from './request-id.js'
import { requestTargetViolation } from './security/request-target.js'
import { securityHeaders } from './security/security-headers.js'

export interface BuildOptions {
  readonly config: Config
  /** Where log lines go (tests capture them); stdout by default. */
  readonly logStream?: NodeJS.WritableStream
  /** Tighter bounds for tests; the defaults suit production. */
  readonly limits?: Partial<ServerLimits>
}

/** Bounds that keep a slow or greedy client from holding the server. */
export interface ServerLimits {
  /** The request line and headers must arrive within this (a slowloris client is cut off). */
  readonly headersTimeoutMs: number
  /** The whole request, body included, must arrive within this. */
  readonly requestTimeoutMs: number
  /** Request line plus headers, cookies included. */
  readonly maxHeaderBytes: number
}

const DEFAULT_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxHeaderBytes: 16 * 1024 }

const root = join(fileURLToPath(import.meta.url), '..', '..')

/**
 * The first hook of every request, ahead of every plugin's. The hardening
 * headers go on before anything can answer, so that refusals from later hooks
 * (CSRF, rate limit, session store) carry them too; a route that may be
 * cached replaces `cache-control` later. Then a request-target that is not a
 * path is refused before any session is loaded or any route runs.
 */
function admitRequest (headers: Readonly<Record<string, string>>): onRequestHookHandler {
  return function admitRequest (request, reply, done) {
    reply.headers(headers)
    done(requestTargetViolation(request.url))
  }
}

/** The whole gateway, as the server runs it and as tests build it. */
export async function buildApp ({ config, logStream, limits: overrides }: BuildOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_LIMITS, ...overrides }
  const hardening = securityHeaders({ https: config.baseUrl.protocol === 'https:' })
  const app = Fastify({
    logger: { ...loggerOptions(config.logLevel), ...logOutput({ production: config.production, stream: logStream }) },
    trustProxy: config.trustProxy,
    // Query strings and headers stay small; nothing here needs more.
    bodyLimit: 64 * 1024,
    requestIdHeader: false,
    genReqId: requestIdOf,
    routerOptions: { maxParamLength: 200 },
    requestTimeout: limits.requestTimeoutMs,
    clientErrorHandler: answerClientError,
    // A path that does not decode (`/%80`) never reaches a hook, a route or the
    // error handler; the framework's own answer would echo the URL back.
    frameworkErrors: (_error, _request, reply) => {
      void (reply as FastifyReply).headers(hardening).code(400).send({ error: 'invalid_request', message: 'The request URL is not valid' })
    },
    http: {
      headersTimeout: limits.headersTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // Node looks for expired requests this often (30 s by default).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs)
    }
  })
  // Added to the root before any plugin is registered, so it runs before their hooks.
  app.addHook('onRequest', admitRequest(hardening))
  await app.register(autoload, { dir: join(root, 'plugins'), options: { config } })
  // routes/browser/ (the routes a signed-in browser uses) gets its sessions from its autohooks.ts.
  await app.register(autoload, { dir: join(root, 'routes'), autoHooks: true, dirNameRoutePrefix: false })
  return app
}
