import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** CPU time of another process, from Linux's /proc: all its threads, user and system. */
export interface ProcessCpu {
  readonly userMicros: number
  readonly systemMicros: number
}

let ticksPerSecond: number | undefined

function clockTicks (): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
  if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) throw new Error('getconf CLK_TCK gave no clock tick rate')
  return ticksPerSecond
}

export function readProcessCpu (pid: number): ProcessCpu {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name in brackets may hold spaces; the fields after it are fixed: utime is field 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const micros = (field: string | undefined): number => Math.round(Number(field) / clockTicks() * 1e6)
  return { userMicros: micros(fields[11]), systemMicros: micros(fields[12]) }
}

/** The ids of a process's child processes. */
export function childPids (pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
  return text === '' ? [] : text.split(' ').map(Number)
}
