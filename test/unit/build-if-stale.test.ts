import t from 'tap'
import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..', '..')
const SCRIPT = join(root, 'scripts', 'build-if-stale.mjs')
const { isBuildStale, STAMP } = await import(pathToFileURL(SCRIPT).href) as { isBuildStale (root: string): boolean, STAMP: string }

/**
 * A project with this one's build and start scripts, where `tsc` is a
 * stand-in that counts its runs, emits dist/src/server.js, and fails (after
 * emitting, as tsc does on a type error) while a file named `fail` exists.
 */
async function project (t: { teardown (fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bff-build-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const { scripts } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  await mkdir(join(dir, 'scripts'))
  await cp(SCRIPT, join(dir, 'scripts', 'build-if-stale.mjs'))
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'p', private: true, type: 'module', scripts: { build: scripts.build, prestart: scripts.prestart, start: scripts.start } }))
  await mkdir(join(dir, 'node_modules', '.bin'), { recursive: true })
  await writeFile(join(dir, 'node_modules', '.bin', 'tsc'), '#!/bin/sh\nexec node "$(dirname "$0")/../../fake-tsc.mjs"\n', { mode: 0o755 })
  await writeFile(join(dir, 'fake-tsc.mjs'), [
    "import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'",
    "appendFileSync('builds.log', 'build\\n')",
    "mkdirSync('dist/src', { recursive: true })",
    "writeFileSync('dist/src/server.js', \"process.stdout.write('started\\\\n')\")",
    "if (existsSync('fail')) process.exit(2)"
  ].join('\n'))
  const files: Array<[string, string]> = [['src/server.ts', ''], ['src/config/index.ts', ''], ['plugins/a.ts', ''], ['routes/browser/me.ts', ''], ['public/index.html', ''], ['tsconfig.json', '{}'], ['tsconfig.build.json', '{}'], ['package-lock.json', '{}'], ['README.md', ''], ['test/a.test.ts', '']]
  for (const [path, text] of files) {
    await mkdir(join(dir, path, '..'), { recursive: true })
    await writeFile(join(dir, path), text)
  }
  return dir
}

/** `npm start` as at a terminal: without the test runner's loaders in NODE_OPTIONS. */
async function start (dir: string): Promise<{ ok: boolean, stdout: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_OPTIONS' && !name.startsWith('TAP')))
  return await run('npm', ['start'], { cwd: dir, env }).then(({ stdout }) => ({ ok: true, stdout }), (error: { stdout: string }) => ({ ok: false, stdout: error.stdout }))
}

async function builds (dir: string): Promise<number> {
  return (await readFile(join(dir, 'builds.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length
}

/** Dates every file and folder a minute ago, and the finished build half a minute ago. */
async function settle (dir: string, path = dir): Promise<void> {
  const past = new Date(Date.now() - 60_000)
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isDirectory()) await settle(dir, join(path, entry.name))
    else await utimes(join(path, entry.name), past, past)
  }
  await utimes(path, past, past)
  if (path === dir) await utimes(join(dir, STAMP), new Date(past.getTime() + 30_000), new Date(past.getTime() + 30_000))
}

async function touch (path: string): Promise<void> {
  await utimes(path, new Date(), new Date())
}

t.test('npm start builds when there is no build, then not again until a source changes', async (t) => {
  const dir = await project(t)
  const first = await start(dir)
  t.ok(first.ok && first.stdout.includes('started'), 'built, then started')
  t.equal(await builds(dir), 1)

  const second = await start(dir)
  t.ok(second.ok && second.stdout.includes('started'))
  t.equal(await builds(dir), 1, 'a fresh build is not rebuilt')

  await touch(join(dir, 'src', 'config', 'index.ts'))
  const third = await start(dir)
  t.ok(third.ok && third.stdout.includes('started'))
  t.equal(await builds(dir), 2, 'a touched source is rebuilt')
})

t.test('a rebuild leaves nothing of a deleted source in dist/, where autoload would still find it', async (t) => {
  const dir = await project(t)
  t.ok((await start(dir)).ok)
  await mkdir(join(dir, 'dist', 'routes'))
  await writeFile(join(dir, 'dist', 'routes', 'moved.js'), '')
  await rm(join(dir, 'routes', 'browser', 'me.ts'))
  t.ok((await start(dir)).ok)
  t.equal(await builds(dir), 2)
  t.same(await readdir(join(dir, 'dist')), ['.build-stamp', 'src'], 'only what this build made')
})

t.test('a failed build is not taken for a fresh one, though it left output behind', async (t) => {
  const dir = await project(t)
  await writeFile(join(dir, 'fail'), '')
  const failed = await start(dir)
  t.notOk(failed.ok, 'npm start fails with the build')
  t.notOk(failed.stdout.includes('started'), 'and does not start the server')
  await rm(join(dir, 'fail'))
  const next = await start(dir)
  t.ok(next.ok && next.stdout.includes('started'))
  t.equal(await builds(dir), 2, 'the next start builds again')
})

t.test('which changes make the build stale', async (t) => {
  const dir = await project(t)
  t.ok(isBuildStale(dir), 'no build yet')
  t.ok((await start(dir)).ok)
  await settle(dir)
  t.notOk(isBuildStale(dir), 'settled: fresh')

  const inputs = ['src/server.ts', 'plugins/a.ts', 'routes/browser/me.ts', 'public/index.html', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json']
  for (const input of inputs) {
    await touch(join(dir, input))
    t.ok(isBuildStale(dir), `${input} changed`)
    await settle(dir)
  }
  for (const other of ['README.md', 'test/a.test.ts', 'dist/src/server.js']) {
    await touch(join(dir, other))
    t.notOk(isBuildStale(dir), `${other} is not built from`)
    await settle(dir)
  }
  await rm(join(dir, 'plugins', 'a.ts'))
  t.ok(isBuildStale(dir), 'a deleted source')
  await settle(dir)
  await writeFile(join(dir, 'src', 'config', 'new.ts'), '')
  t.ok(isBuildStale(dir), 'a new source')
  await settle(dir)
  await rm(join(dir, 'dist', 'src', 'server.js'))
  t.ok(isBuildStale(dir), 'the output is gone')
})
