// Builds dist/ only when it is missing or older than what it is built from,
// so that `npm start` with nothing changed starts at once, and a bad setting
// shows in a fraction of a second instead of after a full compile.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** What the build is made from: sources, the demo's files, compiler settings, dependencies. */
const INPUT_DIRS = ['src', 'plugins', 'routes', 'public']
const INPUT_FILES = /^(tsconfig.*\.json|package\.json|package-lock\.json)$/
/** Written after a build that succeeded, so a failed one is retried (tsc emits even when it reports errors). */
export const STAMP = join('dist', '.build-stamp')
const OUTPUT = join('dist', 'src', 'server.js')

function modifiedAt (path) {
  try {
    return statSync(path).mtimeMs
  } catch {
    return undefined
  }
}

/** The newest change under `dir`, the folders' own times included: they change when a file is deleted or renamed. */
function newestUnder (dir) {
  let newest = modifiedAt(dir) ?? 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : modifiedAt(path) ?? 0)
  }
  return newest
}

/** When the build's inputs last changed; the root's own time is left out, it changes with every file made there. */
export function newestInput (root) {
  let newest = 0
  for (const dir of INPUT_DIRS) {
    if (modifiedAt(join(root, dir)) !== undefined) newest = Math.max(newest, newestUnder(join(root, dir)))
  }
  for (const name of readdirSync(root).filter((file) => INPUT_FILES.test(file))) {
    newest = Math.max(newest, modifiedAt(join(root, name)) ?? 0)
  }
  return newest
}

/** True when there is no finished build, or an input changed since the last one began. */
export function isBuildStale (root) {
  const builtAt = modifiedAt(join(root, STAMP))
  if (builtAt === undefined || modifiedAt(join(root, OUTPUT)) === undefined) return true
  return newestInput(root) > builtAt
}

/** `npm run build`, then the stamp, dated when the build began: a file saved during the build makes the next start build again. */
export function build (root) {
  const began = new Date()
  const npm = process.env.npm_execpath
  const result = npm === undefined
    ? spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) return result.status ?? 1
  writeFileSync(join(root, STAMP), `${began.toISOString()}\n`)
  utimesSync(join(root, STAMP), began, began)
  return 0
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.cwd()
  if (isBuildStale(root)) {
    process.stderr.write('The build is missing or older than the sources: building.\n')
    process.exitCode = build(root)
  }
}
