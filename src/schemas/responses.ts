import type { ErrorCode } from '../errors.js'
import { ERROR_CODES } from './error-codes.js'

export interface ResponseHeader { readonly type: 'string' | 'integer', readonly description: string }

/** A redirect: no body, the target in `Location`. */
export function redirectResponse (description: string, location: string, headers: Readonly<Record<string, ResponseHeader>> = {}) {
  return { type: 'null', description, headers: { location: { type: 'string', description: location }, ...headers } } as const
}

export interface ErrorResponse {
  readonly $ref: 'error#'
  readonly description: string
  readonly headers?: Readonly<Record<string, ResponseHeader>>
}

export interface ErrorResponsesOptions {
  /**
   * The route parses a body, so it can also refuse one as too large (413) or
   * of the wrong type (415). Routes without one never answer those.
   */
  readonly body?: boolean
}

const BODY_STATUSES: ReadonlySet<number> = new Set([413, 415])

const RETRY_AFTER: ResponseHeader = { type: 'integer', description: 'Seconds until the rate limit lets this client in again' }

/**
 * Error answers in the one error shape for the codes a route can answer,
 * grouped by status, each status described from ERROR_CODES. `500` is always
 * there; `4xx` and `5xx` stay as catch-alls, so an unexpected status is still
 * serialised through the allow-list.
 */
export function errorResponses (codes: readonly ErrorCode[], options: ErrorResponsesOptions = {}): Record<string, ErrorResponse> {
  const byStatus = new Map<number, string[]>()
  for (const code of new Set<ErrorCode>([...codes, 'internal_error'])) {
    for (const [key, meaning] of Object.entries(ERROR_CODES[code])) {
      const status = Number(key)
      if (BODY_STATUSES.has(status) && options.body !== true) continue
      byStatus.set(status, [...byStatus.get(status) ?? [], `\`${code}\`: ${meaning}`])
    }
  }
  const responses: Record<string, ErrorResponse> = {}
  for (const [status, lines] of [...byStatus].sort(([a], [b]) => a - b)) {
    const description = lines.length === 1 ? lines.join('') : lines.map((line) => `- ${line}`).join('\n')
    responses[status] = status === 429
      ? { $ref: 'error#', description, headers: { 'retry-after': RETRY_AFTER } }
      : { $ref: 'error#', description }
  }
  responses['4xx'] = { $ref: 'error#', description: 'Any other client error, in the same shape' }
  responses['5xx'] = { $ref: 'error#', description: 'Any other server error, in the same shape' }
  return responses
}
