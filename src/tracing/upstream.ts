import { endpointAttributes, httpMethod } from './attributes.js'
import type { ClientSpan, Tracing } from './types.js'

/**
 * The client span of a call the `/api` proxy makes to the upstream `name`,
 * a child of the request's span, named by the method as the semantic
 * conventions name HTTP client spans. It carries the upstream's name and
 * host, never the path or query it is sent (they may name the person).
 * Undefined when tracing is off.
 */
export function startUpstreamSpan (tracing: Tracing | undefined, method: string, name: string, base: URL): ClientSpan | undefined {
  if (tracing === undefined) return undefined
  const known = httpMethod(method)
  return tracing.startClientSpan(known === '_OTHER' ? 'HTTP' : known, { 'http.request.method': known, ...endpointAttributes(base), 'bff.upstream': name })
}
