import helmet, { type HelmetOptions } from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * What helmet does to a response for these options, captured once: the
 * headers it sets, and those it removes (as ''). With fixed directives they
 * are the same on every response, and rebuilding them per request (as a
 * middleware does) was the largest fixed cost of every route (docs/performance.md).
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
  return headers
}

/**
 * The content security policy allows only this origin's own scripts, styles
 * and requests, no inline code, no framing (clickjacking) and no plugins, so a
 * page the gateway serves cannot be made to run or send anything elsewhere.
 * Responses are never cached unless their route says otherwise: most carry a
 * person's data.
 */
function hardening (https: boolean): Record<string, string> {
  return {
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
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginResourcePolicy: { policy: 'same-origin' }
    }),
    // A route that may be cached says so by setting its own.
    'cache-control': 'no-store'
  }
}

/** The browser-facing hardening headers for a gateway served over https or plain http. */
export function securityHeaders ({ https }: { readonly https: boolean }): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(Object.entries(hardening(https)).filter(([, value]) => value !== '')))
}

/**
 * Every header the gateway sets or removes for the browser's protection, in
 * its strictest configuration (https): the names no downstream service may
 * answer in its place.
 */
export const SECURITY_HEADER_NAMES: ReadonlySet<string> = new Set(Object.keys(hardening(true)))
