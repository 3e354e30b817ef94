import t from 'tap'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../helpers/free-port.js'
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_SECRET } from '../helpers/constants.js'
import { startRogueProvider } from '../helpers/rogue-provider.js'
import { TestBrowser } from '../helpers/test-browser.js'

const root = join(import.meta.dirname, '..', '..')

t.test('SIGTERM: no new connections, the request in flight finishes, exit 0', async (t) => {
  const port = await freePort()
  const gatewayUrl = `http://127.0.0.1:${port}`
  const provider = await startRogueProvider({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, redirectUri: `${gatewayUrl}/callback` })
  t.teardown(() => provider.close())
  // The server entry itself, as `npm start` runs it (from source, so no build races other tests).
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      FASTIFY_AUTOLOAD_TYPESCRIPT: '1',
      HOST: '127.0.0.1',
      PORT: String(port),
      BASE_URL: gatewayUrl,
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: TEST_CLIENT_ID,
      OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
      SESSION_SECRET: TEST_SECRET
    },
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
    ready = await fetch(`${gatewayUrl}/readyz`).then((r) => r.status, () => 0)
  }
  t.equal(ready, 200, 'ready')

  const browser = new TestBrowser()
  const login = await browser.get(`${gatewayUrl}/login?returnTo=/home`)
  const callbackUrl = (await browser.get(login.location as string)).location as string
  // The code exchange takes 1.5 s: the callback is in flight when SIGTERM arrives.
  provider.setBehaviour({ tokenDelayMs: 1500 })
  const inFlight = browser.get(callbackUrl)
  await sleep(300)
  const signalledAt = Date.now()
  server.kill('SIGTERM')
  await sleep(200)
  const late = await fetch(`${gatewayUrl}/healthz`).then((r) => r.status, () => 'refused')
  t.not(late, 200, `a new request after SIGTERM is not served (${String(late)})`)

  const finished = await inFlight
  t.equal(finished.status, 302, 'the login in flight completed')
  t.equal(finished.location, `${gatewayUrl}/home`)
  t.equal(await exited, 0, 'exit 0')
  t.ok(Date.now() - signalledAt < 5000, 'within the grace period')
  t.match(output, /"msg":"shutting down"/)
  t.notMatch(output, /shutdown took too long/)
})
