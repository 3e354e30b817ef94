import type { ApiTokenConfig } from '../config/api-tokens.js'
import type { GatewayError } from '../errors.js'
import { FailedAfterRotation, type Renewal, type TokenRefresher } from './token-refresher.js'
import type { ApiToken, SessionUser, TokenSet } from './types.js'

/** What the provider answered for one service. */
export type ApiTokenGrant = IssuedApiToken | RefusedApiToken

/** The service's token, and the refresh token when the grant rotated the session's. */
export interface IssuedApiToken {
  readonly accessToken: string
  /** Epoch milliseconds. */
  readonly expiresAt: number
  readonly scope: string | undefined
  readonly refreshToken: string | undefined
}

/**
 * A token the service must not get (for another audience, say), answered
 * by a grant that may still have rotated the session's refresh token: the
 * old one is spent, so the new one must be kept all the same.
 */
export interface RefusedApiToken {
  readonly refused: GatewayError
  readonly refreshToken: string | undefined
}

export interface ApiTokensOptions {
  readonly refresher: TokenRefresher
  /** The provider's grant for one service's token (src/oidc/api-token-grant.ts), with the session's tokens as stored. */
  readonly grant: (settings: ApiTokenConfig, tokens: TokenSet) => Promise<ApiTokenGrant>
  /** A token this close to expiry is renewed (at most halfway through its life). */
  readonly marginSeconds: number
}

/**
 * The tokens of services that have their own (UPSTREAMS `audience` or
 * `resource`), kept in the session's token set by upstream name, got and
 * renewed through the session's TokenRefresher: one grant per session and
 * service however many requests ask, under the session's one lock, so a
 * refresh token that the grant rotates becomes the session's before any
 * other grant (the login's own refresh included) can use the old one.
 */
export class ApiTokens {
  readonly #options: ApiTokensOptions

  constructor (options: ApiTokensOptions) {
    this.#options = options
  }

  /**
   * The access token for upstream `name`: the session's own while fit, else
   * a new one; with the session user that holds it. Never another service's
   * token, nor one asked with other settings.
   */
  async tokenFor (sessionId: string, user: SessionUser, name: string, settings: ApiTokenConfig): Promise<{ user: SessionUser, accessToken: string }> {
    const cached = user.tokens.apis?.[name]
    if (isFit(cached, settings)) return { user, accessToken: cached.accessToken }
    const renewal: Renewal = {
      key: `api:${name}`,
      // Got meanwhile by another request or instance: a new token is fit for half its life at least.
      needed: (current) => !isFit(current.tokens.apis?.[name], settings),
      grant: async (current) => {
        const answer = await this.#options.grant(settings, current.tokens)
        // A provider that rotates refresh tokens did so for this grant too: the session keeps the new one.
        const refreshToken = answer.refreshToken ?? current.tokens.refreshToken
        if ('refused' in answer) {
          if (answer.refreshToken === undefined) throw answer.refused
          throw new FailedAfterRotation({ ...current.tokens, refreshToken }, answer.refused)
        }
        const { accessToken, expiresAt, scope } = answer
        const token: ApiToken = { accessToken, expiresAt, renewAt: renewalTime(expiresAt, this.#options.marginSeconds), scope, key: settings.key }
        return { ...current.tokens, refreshToken, apis: { ...current.tokens.apis, [name]: token } }
      }
    }
    const renewed = await this.#options.refresher.renew(sessionId, user, renewal)
    const token = renewed.tokens.apis?.[name]
    // The renewal only ends with a token asked with these settings; this is the one place that says so.
    if (!isFor(token, settings)) throw new TypeError(`no token for ${name} after its renewal`)
    return { user: renewed, accessToken: token.accessToken }
  }
}

/** Asked with these settings: for this audience or resource, these scopes, this grant. */
function isFor (token: ApiToken | undefined, settings: ApiTokenConfig): token is ApiToken {
  return token !== undefined && token.key === settings.key
}

function isFit (token: ApiToken | undefined, settings: ApiTokenConfig, now = Date.now()): token is ApiToken {
  return isFor(token, settings) && token.renewAt > now
}

/**
 * When a token from now until `expiresAt` is renewed: `marginSeconds`
 * ahead of its expiry, or halfway through its life when that is shorter,
 * so a token that lives less than the margin is still used more than once.
 */
export function renewalTime (expiresAt: number, marginSeconds: number, now = Date.now()): number {
  return expiresAt - Math.min(marginSeconds * 1000, (expiresAt - now) / 2)
}
