import { GatewayError } from '../errors.js'
import type { LoginTransaction } from './types.js'

/** How long an unfinished login may take before its state is forgotten. */
export const LOGIN_TTL_SECONDS = 600

/** Enough for a few tabs that start a login at once; more only costs memory. */
const MAX_PENDING_LOGINS = 3

/** What holds a browser's logins in progress: its session. */
export interface LoginHolder {
  logins?: Readonly<Record<string, LoginTransaction>>
}

/**
 * Keeps a login until its callback: the oldest go beyond a few at once
 * (tabs), expired ones always. The map is replaced, never changed in place.
 */
export function beginLogin (holder: LoginHolder, transaction: LoginTransaction): void {
  const kept = Object.values(holder.logins ?? {})
    .filter((login) => !hasExpired(login, transaction.createdAt))
    .sort((a, b) => a.createdAt - b.createdAt)
    .slice(-(MAX_PENDING_LOGINS - 1))
  holder.logins = Object.fromEntries([...kept, transaction].map((login) => [login.state, login]))
}

/**
 * The login that `state` names, taken back single use: whatever happens
 * next, a replay of the callback URL (or another browser) finds nothing.
 *
 * @throws GatewayError `invalid_state` for a state this browser does not
 * hold, or a login older than LOGIN_TTL_SECONDS.
 */
export function takeLogin (holder: LoginHolder, state: string | undefined, now = Date.now()): LoginTransaction {
  const logins = holder.logins
  const transaction = state !== undefined && logins !== undefined && Object.hasOwn(logins, state) ? logins[state] : undefined
  if (state === undefined || transaction === undefined) {
    throw new GatewayError('invalid_state', 'This login is unknown to this browser, already finished, or expired; start again', 400)
  }
  const rest = { ...logins }
  delete rest[state]
  holder.logins = Object.keys(rest).length === 0 ? undefined : rest
  if (hasExpired(transaction, now)) {
    throw new GatewayError('invalid_state', 'This login took too long; start again', 400)
  }
  return transaction
}

function hasExpired (login: LoginTransaction, now: number): boolean {
  return login.createdAt + LOGIN_TTL_SECONDS * 1000 <= now
}
