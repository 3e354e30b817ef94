import type { AssuranceLevel } from '../claims/assurance.js'
import type { LoginAssurance } from '../claims/login-assurance.js'

/** What a login in progress keeps until its callback; single use. */
export interface LoginTransaction {
  readonly state: string
  readonly nonce: string
  readonly codeVerifier: string
  readonly returnTo: string
  readonly eid: string | undefined
  /** Epoch milliseconds. */
  readonly createdAt: number
  /** What the login must prove, decided at `/login` from the configuration: the browser never chooses it. */
  readonly assurance?: AskedAssurance
}

/** What a login was asked to prove, kept server-side in its transaction (src/claims/step-up.ts). */
export interface AskedAssurance {
  /** The least level the eID option asks for; none when its acr values prove none. */
  readonly level?: AssuranceLevel
  /** A step-up (RFC 9470): the session's `sub`, which the new login must sign in again. */
  readonly stepUpOf?: string
}

export interface TokenSet {
  readonly accessToken: string
  readonly idToken: string
  readonly refreshToken: string | undefined
  /** Epoch milliseconds; undefined when the provider did not say. */
  readonly accessTokenExpiresAt: number | undefined
  readonly scope: string | undefined
  /**
   * How many refresh grants produced this set (0 at login). Stores never
   * replace a session's tokens with an older generation, so a request that
   * loaded the session before a refresh cannot write the used refresh token back.
   */
  readonly generation: number
  /**
   * The tokens of services that have their own (UPSTREAMS `audience` or
   * `resource`), by upstream name. Part of the set, so they share its
   * generation: a stale write brings back neither an old refresh token nor
   * an old service token, and they end with the session.
   */
  readonly apis?: Readonly<Record<string, ApiToken>>
}

/** An access token the gateway got for one service behind `/api` (src/sessions/api-tokens.ts). */
export interface ApiToken {
  readonly accessToken: string
  /** Epoch milliseconds: when it expires. */
  readonly expiresAt: number
  /** Epoch milliseconds: from when it is renewed before use. */
  readonly renewAt: number
  readonly scope: string | undefined
  /** The settings it was asked with (ApiTokenConfig `key`): it is only ever sent to a service asking the same. */
  readonly key: string
}

export interface SessionUser {
  readonly sub: string
  /** The provider's session id (ID token `sid`) or, without one, a random id of ours. */
  readonly sid: string
  readonly claims: Readonly<Record<string, unknown>>
  readonly tokens: TokenSet
  /** Epoch milliseconds: when this login finished. */
  readonly signedInAt: number
  /** Epoch milliseconds: the absolute end of the session. */
  readonly expiresAt: number
  /** How the login authenticated the person (eID, level, acr, amr, auth_time); absent in sessions from before it was kept. */
  readonly assurance?: LoginAssurance
}

/**
 * The session's typed content. Values are replaced, never mutated in place, so a
 * store that keeps objects in memory cannot be changed behind its back.
 */
export interface SessionData {
  /** Pending logins keyed by state: a few tabs may start a login at once. */
  logins?: Readonly<Record<string, LoginTransaction>>
  user?: SessionUser
  /** Epoch milliseconds when the store first held this session. */
  createdAt?: number
  /** The browser family it was signed in from ("Firefox on Linux"), for the user's list of sessions. */
  device?: string
}
