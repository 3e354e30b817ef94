import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

export const NGINX = '/usr/sbin/nginx'

const root = join(import.meta.dirname, '..', '..')

interface Teardown { teardown (fn: () => unknown): void }

export interface ShippedNginxOptions {
  /** The loopback port nginx listens on, in place of the shipped `listen`. */
  readonly port: number
  /** Each `upstream` block of the shipped file, by name → the loopback `host:port` it stands for here. */
  readonly upstreams: Readonly<Record<string, string>>
}

/**
 * deploy/nginx.conf as nginx runs it here: the same server block, includes
 * and locations, with only what ties it to Docker replaced (the resolver,
 * the upstreams' service names, the listen port), and every path nginx
 * writes (temp files, logs) inside `dir`.
 */
export async function shippedNginxConfig (dir: string, { port, upstreams }: ShippedNginxOptions): Promise<string> {
  let config = await readFile(join(root, 'deploy', 'nginx.conf'), 'utf8')
  const replace = (pattern: RegExp, replacement: (...groups: string[]) => string, what: string): void => {
    if (!pattern.test(config)) throw new Error(`deploy/nginx.conf has no ${what}`)
    config = config.replace(pattern, replacement)
  }
  replace(/^\s*resolver [^;]*;$/m, () => '', 'resolver')
  replace(/upstream ([\w-]+) \{[^}]*\}/g, (_block, name: string) => {
    const address = upstreams[name]
    if (address === undefined) throw new Error(`deploy/nginx.conf has an upstream ${name} the test does not stand in for`)
    return `upstream ${name} { server ${address}; }`
  }, 'upstream')
  replace(/^(\s*)listen 8080;$/m, (_line, indent: string) => `${indent}listen 127.0.0.1:${port};`, 'listen 8080')
  const paths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(dir, `${kind}-temp`)};`)
  replace(/^http \{$/m, () => ['http {', ...paths, `  access_log ${join(dir, 'access.log')};`].join('\n'), 'http block')
  return config
}

export interface RunningNginx {
  readonly url: string
  /** What nginx wrote to its error log so far. */
  errors (): Promise<string>
}

/**
 * Debian's nginx in the foreground on a loopback port, with deploy/nginx.conf
 * and the files it includes, stopped at teardown. A missing nginx fails the
 * test that needs it, with what to install; it is never skipped.
 */
export async function startShippedNginx (t: Teardown, options: ShippedNginxOptions): Promise<RunningNginx> {
  if (!existsSync(NGINX)) throw new Error(`nginx is not installed at ${NGINX}: apt-get install nginx (.ci/run installs it)`)
  const dir = await mkdtemp(join(tmpdir(), 'bff-nginx-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'nginx.conf'), await shippedNginxConfig(dir, options))
  for (const include of ['nginx-forward-auth.conf', 'nginx-forward-auth-location.conf']) {
    await copyFile(join(root, 'deploy', include), join(dir, include))
  }
  const errorLog = join(dir, 'error.log')
  // As root, nginx would hand its workers to `nobody`, who cannot write in a private temp dir.
  const user = process.getuid?.() === 0 ? ` user ${userInfo().username};` : ''
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log ${errorLog} info;${user}`], {
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = once(child, 'exit')
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    await exited
  })
  const errors = async (): Promise<string> => await readFile(errorLog, 'utf8').catch(() => '')
  const url = `http://127.0.0.1:${options.port}`
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx stopped at start (${child.exitCode}): ${stderr}${await errors()}`)
    try {
      await fetch(`${url}/healthz`)
      return { url, errors }
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not answer within 10 s: ${stderr}${await errors()}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}
