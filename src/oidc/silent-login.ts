import { safeReturnTo } from '../return-to.js'
import type { LoginTransaction } from '../sessions/types.js'

/**
 * What the OIDC client keeps with a login beyond the transaction's own
 * fields, for its callback: whether it was a silent check (`prompt=none`)
 * and the `max_age` it asked for. Kept in the session with the transaction,
 * and read back defensively: a session written by an older version has none.
 */
export interface LoginChecks {
  readonly silent?: true
  readonly maxAge?: number
}

/** The provider's answers to `prompt=none` that mean "this needs the person" (OIDC Core 3.1.2.6). */
export const INTERACTION_NEEDED = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required'])

/** The query parameter a silent login's `returnTo` gets when the person must sign in themselves. */
export const SILENT_LOGIN_MARKER = { name: 'login', value: 'required' } as const

/** The checks a login started with `parameters` will need at its callback. */
export function loginChecksFor (parameters: Readonly<Record<string, string>>): LoginChecks {
  const maxAge = parameters.max_age === undefined ? undefined : Number(parameters.max_age)
  return {
    ...(parameters.prompt === 'none' ? { silent: true } : {}),
    ...(maxAge !== undefined && Number.isSafeInteger(maxAge) && maxAge >= 0 ? { maxAge } : {})
  }
}

/** The checks kept with a transaction, whatever shape the stored session has. */
export function loginChecksOf (transaction: LoginTransaction): LoginChecks {
  const { silent, maxAge } = transaction as LoginTransaction & { silent?: unknown, maxAge?: unknown }
  return {
    ...(silent === true ? { silent: true } : {}),
    ...(typeof maxAge === 'number' && Number.isSafeInteger(maxAge) && maxAge >= 0 ? { maxAge } : {})
  }
}

/**
 * `returnTo` with `login=required` in its query (any other `login` value
 * replaced): the frontend's answer to a silent check that found no session
 * at the provider. `returnTo` is a same-origin path (src/return-to.ts).
 */
export function markSilentLoginRequired (returnTo: string): string {
  const url = new URL(returnTo, 'http://gateway.invalid')
  url.searchParams.set(SILENT_LOGIN_MARKER.name, SILENT_LOGIN_MARKER.value)
  const path = `${url.pathname}${url.search}${url.hash}`
  // Checked again as it now is: what was not a path of ours, or the marker made into something else, lands on /.
  return url.origin === 'http://gateway.invalid' && safeReturnTo(path) === path ? path : `/?${SILENT_LOGIN_MARKER.name}=${SILENT_LOGIN_MARKER.value}`
}
