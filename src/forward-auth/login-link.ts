import { safeReturnTo } from '../return-to.js'

/**
 * Where a proxy sends a browser that a check refused with a 401: the
 * gateway's `/login`, back to the original target after it (same-origin
 * paths only, as every `returnTo`). For a login below the rule's level, a
 * step-up (`stepUp=1`) with an eID option that reaches it.
 */
export function loginLink (target: string, stepUpWith?: string): string {
  const query = new URLSearchParams()
  if (stepUpWith !== undefined) {
    query.set('eid', stepUpWith)
    query.set('stepUp', '1')
  }
  query.set('returnTo', safeReturnTo(target))
  return `/login?${query.toString()}`
}
