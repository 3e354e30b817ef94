import t, { type Test } from 'tap'
import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { LogCapture } from '../helpers/log-capture.js'
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_SECRET } from '../helpers/constants.js'

async function startLimitedGateway (t: Test): Promise<{ port: number, logs: LogCapture }> {
  const config = loadConfig({
    OIDC_ISSUER: 'http://127.0.0.1:9',
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    SESSION_SECRET: TEST_SECRET,
    LOG_LEVEL: 'trace'
  })
  const logs = new LogCapture()
  const app = await buildApp({ config, logStream: logs, limits: { headersTimeoutMs: 1000, requestTimeoutMs: 1500 } })
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { port: (app.server.address() as AddressInfo).port, logs }
}

/** What the server wrote before it closed the connection, and how long that took. */
async function untilClosed (socket: Socket, limitMs: number): Promise<{ text: string, closedAfterMs: number | undefined }> {
  const started = Date.now()
  let text = ''
  socket.on('data', (chunk: Buffer) => { text += chunk.toString() })
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)))
  const closedAfterMs = await Promise.race([closed, sleep(limitMs, undefined)])
  socket.destroy()
  return { text, closedAfterMs }
}

t.test('a client that trickles its headers is cut off with a 408, and others are still served', async (t) => {
  const { port } = await startLimitedGateway(t)
  const socket = connect(port, '127.0.0.1')
  socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n')
  let sent = 0
  const trickle = setInterval(() => { if (socket.writable) socket.write(`X-Slow-${sent++}: 1\r\n`) }, 100)
  t.teardown(() => clearInterval(trickle))
  const healthy = await fetch(`http://127.0.0.1:${port}/healthz`)
  t.equal(healthy.status, 200, 'served while the slow client hangs on')
  const { text, closedAfterMs } = await untilClosed(socket, 5000)
  clearInterval(trickle)
  t.ok(closedAfterMs !== undefined && closedAfterMs < 4000, `closed after ${String(closedAfterMs)} ms`)
  t.match(text, /^HTTP\/1\.1 408 /)
  t.match(text, /"error":"request_timeout"/)
})

t.test('a body that never finishes arriving is cut off too', async (t) => {
  const { port } = await startLimitedGateway(t)
  const socket = connect(port, '127.0.0.1')
  socket.write('POST /backchannel-logout HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nlogout_token=')
  const { closedAfterMs } = await untilClosed(socket, 6000)
  t.ok(closedAfterMs !== undefined && closedAfterMs < 5000, `closed after ${String(closedAfterMs)} ms`)
})

t.test('oversized headers and malformed requests get our JSON error, and nothing of them is logged', async (t) => {
  const { port, logs } = await startLimitedGateway(t)
  const cookie = `bff=${'c'.repeat(20_000)}`
  const big = connect(port, '127.0.0.1')
  big.write(`GET /me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n\r\n`)
  const oversized = await untilClosed(big, 3000)
  t.match(oversized.text, /^HTTP\/1\.1 431 /)
  t.match(oversized.text, /\{"error":"headers_too_large","message":"[^"]+"\}$/)

  const bad = connect(port, '127.0.0.1')
  bad.write('GET /me HTTP/9\x00\r\n\r\n')
  const malformed = await untilClosed(bad, 3000)
  t.match(malformed.text, /^HTTP\/1\.1 400 /)
  t.match(malformed.text, /"error":"invalid_request"/)
  t.notOk(logs.text.includes('cccccccccc'), 'the oversized cookie is not in the trace log')
})
