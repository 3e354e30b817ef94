import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** What a caller's request id may look like: short, printable, no separators a log parser trips on. */
const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/

/**
 * The request id for logs and for downstream services: the caller's
 * `X-Request-Id` when it is safe to repeat, otherwise a new UUID.
 */
export function requestIdOf (request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID()
}
