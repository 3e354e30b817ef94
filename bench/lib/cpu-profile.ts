import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  hitCount?: number
  children?: number[]
}

export interface ProfileSummary {
  /** Share of samples spent in the function itself, by function. */
  readonly functions: Array<{ name: string, where: string, share: number }>
  /** Share of samples spent in each package (or our own directories, or Node's internals). */
  readonly places: Array<{ where: string, share: number }>
}

/** Where a script lives, coarsely: a package under node_modules, our own top directory, or Node itself. */
function placeOf (url: string): string {
  if (url === '') return '(native / V8)'
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (modules !== null) return modules[1] as string
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] === 'internal' ? url.slice(5).split('/')[1] ?? '' : url.slice(5)}`
  const own = /\/(src|plugins|routes|bench|test)\/(.*)$/.exec(url)
  return own === null ? url : `${own[1] as string}/${own[2] as string}`
}

/** Self time of a V8 CPU profile (node --cpu-prof), by function and by place. */
export function summarizeProfile (file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] }
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0)
  const byFunction = new Map<string, { name: string, where: string, hits: number }>()
  const byPlace = new Map<string, number>()
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    if (hits === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const where = placeOf(url)
    const name = functionName === '' ? '(anonymous)' : functionName
    const key = `${name} ${url}:${lineNumber}`
    const entry = byFunction.get(key) ?? { name, where: `${where}:${lineNumber + 1}`, hits: 0 }
    entry.hits += hits
    byFunction.set(key, entry)
    byPlace.set(where, (byPlace.get(where) ?? 0) + hits)
  }
  return {
    functions: [...byFunction.values()].sort((a, b) => b.hits - a.hits).slice(0, top)
      .map(({ name, where, hits }) => ({ name, where, share: hits / total })),
    places: [...byPlace.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([where, hits]) => ({ where, share: hits / total }))
  }
}
