import type { ErrorCode } from './errors.js'

/** What a route did, reported by the route itself once it has done it. */
export type ReportedEvent =
  /** `/login` sent the browser to the provider. */
  | 'login_started'
  /** `/callback` signed the browser in. */
  | 'login_succeeded'
  /** `/logout` ended a session (a logout without one ends nothing). */
  | 'logged_out'
  /** The provider's logout token was accepted and its sessions ended. */
  | 'backchannel_logout'

/** What an error answer of a route means, declared by the route (`config.failureEvent`). */
export type FailureEvent = 'login_failed' | 'backchannel_logout_rejected'

/**
 * An event, heard once the answer of its request was sent: a route's report
 * when that answer was not an error (a login whose session could not be
 * saved did not succeed), or the route's failure with the answer's code.
 */
export type GatewayEvent =
  | { readonly name: ReportedEvent }
  | { readonly name: FailureEvent, readonly errorCode: ErrorCode | undefined }

export type EventListener = (event: GatewayEvent) => void
