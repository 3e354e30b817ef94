import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * The headers helmet sets for these options, computed once: with fixed
 * directives they are the same on every response, and rebuilding them per
 * request (as a middleware does) was the largest fixed cost of every route
 * (bench/README.md).
 */
function helmetHeaders (options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader (name: string, value: unknown) { headers[name.toLowerCase()] = String(value) },
    removeHeader (name: string) { headers[name.toLowerCase()] = '' }
  }
  let failure: unknown
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => { failure = error })
  if (failure !== undefined) throw failure
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== ''))
}

/**
 * Browser-facing hardening on every response. The content security policy
 * allows only this origin's own scripts, styles and requests, no inline code,
 * no framing (clickjacking) and no plugins, so a page the gateway serves
 * cannot be made to run or send anything elsewhere. Responses are never
 * cached unless their route says otherwise: most carry a person's data.
 */
export default fp(async (app) => {
  const headers = {
    ...helmetHeaders({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"]
        }
      },
      // HSTS only means something over https; on a loopback http origin it would only confuse.
      strictTransportSecurity: app.config.session.secureCookie ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginResourcePolicy: { policy: 'same-origin' }
    }),
    // A route that may be cached says so by setting its own.
    'cache-control': 'no-store'
  }
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
}, { name: 'security-headers', dependencies: ['config'] })
