import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { ErrorCode } from './errors.js'

/** What Node's HTTP parser reports (fastify calls it ConnectionError). */
interface ClientError extends Error { code: string, rawPacket?: unknown }

const ANSWERS: Readonly<Record<string, { status: number, code: ErrorCode, message: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'The request took too long to arrive' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers_too_large', message: 'The request headers (cookies included) are too large' }
}
const MALFORMED = { status: 400, code: 'invalid_request', message: 'The request is not valid HTTP' } as const

/**
 * Answers what Node's HTTP parser rejects before any route runs (malformed
 * requests, oversized headers, a client too slow to send its headers) in our
 * error shape. Unlike the framework's default it logs nothing: the error
 * carries the raw bytes, cookies included.
 */
export function answerClientError (error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const answer = ANSWERS[error.code] ?? MALFORMED
  if (socket.writable) {
    const body = JSON.stringify({ error: answer.code, message: answer.message })
    // An answer to HEAD has no body, or the client reads it as a broken next response.
    const head = Buffer.isBuffer(error.rawPacket) && error.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD '
    socket.write(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`)
  }
  socket.destroy()
}
