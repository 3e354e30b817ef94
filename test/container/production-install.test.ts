import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../helpers/gateway.js'
import { freePort } from '../helpers/free-port.js'
import { TEST_SECRET } from '../helpers/constants.js'

const run = promisify(execFile)
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..')

// The Dockerfile's steps, without Docker: build, production-only install of the
// built output in a clean folder, start it as the image would, ask /healthz.
t.test('the built output starts from a production-only install, like the container image', { timeout: 240_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-image-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await run('npm', ['run', 'build'], { cwd: root })
  await cp(join(root, 'package.json'), join(dir, 'package.json'))
  await cp(join(root, 'package-lock.json'), join(dir, 'package-lock.json'))
  await cp(join(root, 'dist'), join(dir, 'dist'), { recursive: true })
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, timeout: 180_000 })

  await t.rejects(run('node', ['-e', "import('oidc-provider')"], { cwd: dir }), 'the development provider is not in the production install')

  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const idp = await startTestIdp(t, baseUrl)

  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    BASE_URL: baseUrl,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    SESSION_SECRET: TEST_SECRET
  }
  const server = spawn(process.execPath, ['dist/src/server.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
  t.teardown(() => { server.kill('SIGKILL') })

  let ready = 0
  for (let i = 0; i < 100 && ready !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    ready = await fetch(`${baseUrl}/readyz`).then((r) => r.status, () => 0)
  }
  t.equal(ready, 200, 'ready against the provider')
  const health = await fetch(`${baseUrl}/healthz`)
  t.equal(health.status, 200)
  t.same(await health.json(), { status: 'ok' })

  server.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM ends it cleanly')
  t.match(output, /"msg":"shutting down"/)
})

t.test('production refuses to start with the development provider, in one clear line', async (t) => {
  await run('npm', ['run', 'build'], { cwd: root })
  const result = await run(process.execPath, ['dist/src/server.js'], { cwd: root, env: { PATH: process.env.PATH, NODE_ENV: 'production', SESSION_SECRET: TEST_SECRET } })
    .then(() => ({ code: 0, stderr: '' }), (error: { code: number, stderr: string }) => error)
  t.equal(result.code, 1)
  t.equal(result.stderr, 'Configuration error: OIDC_ISSUER is required when NODE_ENV=production: the embedded development provider never runs in production\n')
})
