/** How long and how big each measurement is: the full run, or the short smoke run for CI. */
export interface Mode {
  readonly name: 'full' | 'short'
  readonly connections: number
  readonly seconds: number
  readonly warmupSeconds: number
  readonly loginSeconds: number
  readonly maxLogins: number
  readonly loginParallel: number
  /** Session counts the stores are weighed at; the last is also the memory store's bound. */
  readonly sessionCounts: number[]
  /**
   * Whether a peer that is not installed (Apache httpd with mod_auth_openidc)
   * fails the run: CI installs it for the smoke run; a full run says so and
   * goes on without it.
   */
  readonly peerRequired: boolean
}

export const FULL: Mode = {
  name: 'full',
  connections: 50,
  seconds: 10,
  warmupSeconds: 3,
  loginSeconds: 10,
  maxLogins: 5000,
  loginParallel: 8,
  sessionCounts: [10_000, 100_000],
  peerRequired: false
}

export const SHORT: Mode = {
  name: 'short',
  connections: 50,
  seconds: 1,
  warmupSeconds: 0.5,
  loginSeconds: 1.5,
  maxLogins: 200,
  loginParallel: 8,
  sessionCounts: [1000, 2000],
  peerRequired: true
}
