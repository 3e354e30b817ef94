import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface Row {
  readonly scenario: string
  /** The figure, with its unit. */
  readonly value: number
  readonly unit: string
  /** Shown instead of the figure when it could not be measured, saying why. */
  readonly note?: string
  /** The same run's bare Fastify route: this figure as a share of its req/s. */
  readonly vsBare?: number
  readonly p99Ms?: number
  /** The server process's CPU time per request: steadier than req/s on a busy machine. */
  readonly cpuMicrosPerRequest?: number
  /** Of which in the kernel: socket reads and writes, loopback TCP, memory management. */
  readonly kernelMicrosPerRequest?: number
  readonly target?: Target
}

export interface Target {
  readonly text: string
  /** Undefined for a figure shown for comparison, with no target of its own. */
  readonly pass: boolean | undefined
}

export function percent (ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)} %`
}

function formatValue (row: Row): string {
  if (row.note !== undefined) return row.note
  const value = Number.isInteger(row.value) ? row.value.toLocaleString('en-US') : row.value.toFixed(1)
  return `${value} ${row.unit}`
}

/** A Markdown table: readable in a terminal, and pasted as it is into the README. */
export function renderTable (rows: Row[]): string {
  const header = ['scenario', 'result', 'vs bare Fastify', 'p99', 'server CPU per request', 'target', '']
  const lines = rows.map((row) => [
    row.scenario,
    formatValue(row),
    row.vsBare === undefined ? '' : percent(row.vsBare),
    row.p99Ms === undefined ? '' : `${row.p99Ms} ms`,
    row.cpuMicrosPerRequest === undefined ? '' : `${row.cpuMicrosPerRequest} µs (${row.kernelMicrosPerRequest ?? '?'} in kernel)`,
    row.target?.text ?? '',
    row.target?.pass === undefined ? '' : row.target.pass ? 'PASS' : 'MISS'
  ])
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => (line[i] as string).length)))
  const format = (cells: string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`
  return [format(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...lines.map(format)].join('\n')
}

export function writeJson (file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
}
