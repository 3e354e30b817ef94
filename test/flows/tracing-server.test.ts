import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../helpers/free-port.js'
import { startOtlpSink } from '../helpers/otlp-sink.js'

const root = join(import.meta.dirname, '..', '..')

interface Server { url: string, output (): string, stop (): Promise<{ code: number | null, ms: number }> }

/** The server entry as `npm start` runs it (from source), with the embedded provider and these OTEL_* variables. */
async function startServer (t: Test, otel: Record<string, string>): Promise<Server> {
  const [port, providerPort] = [await freePort(), await freePort()]
  const url = `http://127.0.0.1:${port}`
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, FASTIFY_AUTOLOAD_TYPESCRIPT: '1', HOST: '127.0.0.1', PORT: String(port), DEV_IDP_PORT: String(providerPort), ...otel },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
  t.teardown(() => { server.kill('SIGKILL') })
  let ready = 0
  for (let i = 0; i < 150 && ready !== 200; i++) {
    await sleep(100)
    ready = await fetch(`${url}/readyz`).then((r) => r.status, () => 0)
  }
  t.equal(ready, 200, 'ready')
  return {
    url,
    output: () => output,
    async stop () {
      const at = Date.now()
      server.kill('SIGTERM')
      const code = await exited
      return { code, ms: Date.now() - at }
    }
  }
}

t.test('the server starts the SDK before the app and, at SIGTERM, exports the spans still queued before it exits', async (t) => {
  const sink = await startOtlpSink()
  t.teardown(() => sink.close())
  sink.watchFor({ span: 'GET /me', service: 'eid-bff-gateway' })
  // A batch that would wait a minute: only the shutdown can send it.
  const server = await startServer(t, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.url, OTEL_BSP_SCHEDULE_DELAY: '60000' })
  t.match(server.output(), /"msg":"tracing is on: spans go to the exporters the OTEL_\* variables configure"/)
  t.equal((await fetch(`${server.url}/me`)).status, 401)
  await sleep(200)
  t.equal(sink.counts().exports, 0, 'nothing sent yet')
  const { code } = await server.stop()
  t.equal(code, 0, 'a clean exit')
  t.ok(sink.counts().exports >= 1, 'the queued spans went out at shutdown')
  t.same(sink.counts().found.sort(), ['service', 'span'], 'the request\'s span, under the default service name')
})

t.test('a collector that does not answer is logged at warn and holds neither the requests nor the exit up', async (t) => {
  const dead = await freePort()
  // The exporter retries a refused connection until its timeout (10 s unless set) and only then reports it.
  const server = await startServer(t, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${dead}`, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_EXPORTER_OTLP_TIMEOUT: '1000', OTEL_SERVICE_NAME: 'bff-test' })
  for (let i = 0; i < 5; i++) t.equal((await fetch(`${server.url}/me`)).status, 401)
  for (let i = 0; i < 50 && !server.output().includes('the tracing SDK reported a problem'); i++) await sleep(100)
  const line = server.output().split('\n').find((text) => text.includes('the tracing SDK reported a problem'))
  t.ok(line, 'the failed export is logged')
  const logged = JSON.parse(line ?? '{}') as { level?: number, module?: string, detail?: string }
  t.equal(logged.level, 40, 'at warn')
  t.equal(logged.module, 'tracing')
  t.type(logged.detail, 'string')
  const { code, ms } = await server.stop()
  t.equal(code, 0, 'a clean exit')
  t.ok(ms < 8000, `within the shutdown grace (${ms} ms)`)
})
