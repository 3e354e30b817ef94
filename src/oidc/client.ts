import * as client from 'openid-client'
import type { OidcConfig } from '../config/index.js'
import type { ApiTokenConfig } from '../config/api-tokens.js'
import { GatewayError } from '../errors.js'
import type { ApiTokenGrant } from '../sessions/api-tokens.js'
import type { LoginTransaction, TokenSet } from '../sessions/types.js'
import { endpointAttributes } from '../tracing/attributes.js'
import type { Tracing } from '../tracing/types.js'
import { requestApiToken } from './api-token-grant.js'
import { auth0LogoutUrl } from './auth0-logout.js'
import { authorizationUrl } from './authorization-request.js'
import { discover, ProviderMismatchError, type Provider } from './discovery.js'
import { decryptLogoutToken } from './encrypted-tokens.js'
import { retryWithBackoff } from './retry.js'
import { verifyServiceToken, type ServiceCaller } from './service-token.js'
import { INTERACTION_NEEDED, loginChecksFor, loginChecksOf, markSilentLoginRequired, type LoginChecks } from './silent-login.js'
import { assertSameIssuer, exchangeCode, refreshTokens, type LoginResult } from './token-grants.js'
import { verifyLogoutToken, type LogoutClaims } from './tokens.js'

export interface OidcLogger {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
}

export interface LoginRequest {
  /** Where the browser lands afterwards: a same-origin path (src/return-to.ts). */
  readonly returnTo: string
  /** The eID the login asks for, by its name in the configuration; undefined for the provider's own choice. */
  readonly eid: string | undefined
  readonly parameters: Readonly<Record<string, string>>
}

export type { LoginResult } from './token-grants.js'

export interface OidcClient {
  /** True once discovery succeeded. */
  readonly ready: boolean
  /** Resolves after discovery; rejects only when the client is closed first. */
  whenReady (): Promise<void>
  /**
   * The authorization URL of a new login and its transaction. `parameters`
   * are the gateway's own choices for this login (the eID's `connection` or
   * `acr_values`, `login_hint`, `prompt`, `max_age`, `ui_locales`…), already
   * checked: the protocol's own parameters (`state`, `nonce`, PKCE,
   * `redirect_uri`, `scope`) are added here and cannot be overridden.
   */
  startLogin (request: LoginRequest): Promise<{ url: URL, transaction: LoginTransaction }>
  /**
   * For a login started with `prompt=none` whose answer is that the person
   * must take part (`login_required`, `interaction_required`,
   * `consent_required`, `account_selection_required`): its `returnTo` with
   * `login=required`, where the browser goes instead of an error page.
   * Undefined for any other login or answer, which finishLogin handles.
   */
  silentLoginOutcome (callbackQuery: string, transaction: LoginTransaction): string | undefined
  finishLogin (callbackQuery: string, transaction: LoginTransaction): Promise<LoginResult>
  /**
   * The provider's end-session URL for this login, or undefined when it has
   * none. `sid` is the ID token's `sid` claim (ignored unless a string).
   */
  endSessionUrl (login: { idToken: string, sid: unknown }): URL | undefined
  /**
   * A refresh-token grant. The refreshed set keeps the old ID token (or
   * refresh token) when the provider sends no new one. Throws a 401
   * `unauthenticated` when the provider no longer honours the refresh token.
   */
  refresh (tokens: TokenSet, sub: string): Promise<TokenSet>
  /**
   * A service's own access token (UPSTREAMS `audience` or `resource`), by
   * the session's refresh token or by exchanging its access token; a
   * rotated refresh token comes with it. Throws a 401 `unauthenticated` when
   * the provider no longer honours the refresh token, a 502 `provider_error`
   * when it refuses the service or answers with a token for another one.
   */
  apiToken (settings: ApiTokenConfig, tokens: TokenSet): Promise<ApiTokenGrant>
  /** Best effort: a failure is logged, never thrown, because logout must still succeed locally. */
  revokeRefreshToken (refreshToken: string, requestLog?: OidcLogger): Promise<void>
  verifyLogoutToken (logoutToken: string): Promise<LogoutClaims>
  /** A service's client-credentials token for `audience`; throws a 401 `invalid_token` otherwise. */
  verifyServiceToken (token: string, audience: string): Promise<ServiceCaller>
  close (): void
}

/** The provider's metadata fields that name the endpoints the back channel calls. */
type Endpoint = 'token_endpoint' | 'revocation_endpoint' | 'pushed_authorization_request_endpoint'

/**
 * The gateway's relying party: discovery once at start (retried with backoff
 * until the provider answers), then code flow with PKCE, state and nonce.
 * With `tracing`, each call to the provider's back channel (the code
 * exchange, a refresh, an API's own token, a revocation, a pushed
 * authorization request) is a client span naming the endpoint's host,
 * never a token or a code.
 */
export function createOidcClient (settings: OidcConfig, log: OidcLogger, tracing?: Tracing): OidcClient {
  const issuer = settings.issuer
  if (issuer === undefined) throw new TypeError('createOidcClient needs an issuer')
  const closing = new AbortController()
  let provider: Provider | undefined

  const discovered = retryWithBackoff(() => discover(issuer, settings, log), {
    initialDelayMs: 250,
    maxDelayMs: 30_000,
    signal: closing.signal,
    onFailure: (attempt, delayMs, error) => log.warn({
      attempt,
      retryInMs: delayMs,
      issuer: issuer.href,
      ...(error instanceof ProviderMismatchError ? { reason: error.message } : {})
    }, 'provider discovery failed; retrying')
  }).then((found) => {
    provider = found
    log.info({ issuer: issuer.href }, 'provider metadata loaded')
  })
  // Nobody may be awaiting yet; a rejection here only means the client was closed.
  discovered.catch(() => {})

  function current (): Provider {
    if (provider === undefined) {
      throw new GatewayError('provider_unavailable', 'The identity provider is not reachable yet; try again shortly', 503)
    }
    return provider
  }

  /** `work` as a span named `name` when tracing is on, calling `endpoint` of `found`; as it is otherwise. */
  async function traced<T> (name: string, found: Provider, endpoint: Endpoint, work: () => Promise<T>): Promise<T> {
    if (tracing === undefined) return await work()
    return await tracing.inSpan(name, 'client', endpointAttributes(found.configuration.serverMetadata()[endpoint]), work)
  }

  return {
    get ready () { return provider !== undefined },
    whenReady: () => discovered,

    async startLogin ({ returnTo, eid, parameters: chosen }) {
      const found = current()
      const codeVerifier = client.randomPKCECodeVerifier()
      const transaction: LoginTransaction & LoginChecks = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier,
        returnTo,
        eid,
        createdAt: Date.now(),
        ...loginChecksFor(chosen)
      }
      const parameters: Record<string, string> = {
        ...chosen,
        redirect_uri: settings.redirectUri,
        response_type: 'code',
        scope: settings.scope,
        state: transaction.state,
        nonce: transaction.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256'
      }
      if (settings.audience !== undefined) parameters.audience = settings.audience
      if (settings.acrValues !== undefined && parameters.acr_values === undefined) parameters.acr_values = settings.acrValues
      // The configured organization is not the route's to change: the ID token is checked against it.
      if (settings.organization !== undefined) parameters.organization = settings.organization
      const url = found.pushed
        ? await traced('oidc.pushed_authorization_request', found, 'pushed_authorization_request_endpoint', async () => await authorizationUrl(found, parameters))
        : await authorizationUrl(found, parameters)
      return { url, transaction }
    },

    silentLoginOutcome (callbackQuery, transaction) {
      const query = new URLSearchParams(callbackQuery)
      const error = query.get('error')
      if (loginChecksOf(transaction).silent !== true || error === null || !INTERACTION_NEEDED.has(error)) return undefined
      // The state already matched (the transaction was found by it); the answer must also be our provider's.
      assertSameIssuer(current().configuration, query.get('iss'))
      return markSilentLoginRequired(transaction.returnTo)
    },

    async finishLogin (callbackQuery, transaction) {
      const found = current()
      const callbackUrl = new URL(settings.redirectUri)
      callbackUrl.search = callbackQuery
      assertSameIssuer(found.configuration, callbackUrl.searchParams.get('iss'))
      return await traced('oidc.authorization_code_grant', found, 'token_endpoint', async () => await exchangeCode(found, settings, callbackUrl, transaction))
    },

    async refresh (tokens, sub) {
      const found = current()
      return await traced('oidc.refresh_token_grant', found, 'token_endpoint', async () => await refreshTokens(found, settings, tokens, sub))
    },

    async apiToken (settings, tokens) {
      const found = current()
      return await traced('oidc.api_token_grant', found, 'token_endpoint', async () => await requestApiToken(found.configuration, settings, tokens))
    },

    endSessionUrl ({ idToken, sid }) {
      const { configuration, auth0 } = current()
      const metadata = configuration.serverMetadata()
      if (metadata.end_session_endpoint === undefined) {
        return auth0 ? auth0LogoutUrl(metadata.issuer, settings.clientId, settings.postLogoutRedirectUri) : undefined
      }
      // RP-Initiated Logout 1.0 lets client_id stand in for id_token_hint: the
      // ID token (national number, address, birth date) would otherwise sit in
      // the browser's history and the provider's access logs. The sid tells
      // the provider whose session ends (Auth0 skips its confirmation prompt
      // when it matches); some providers insist on the ID token instead.
      const parameters: Record<string, string> = {
        client_id: settings.clientId,
        post_logout_redirect_uri: settings.postLogoutRedirectUri
      }
      if (settings.logoutHint === 'id_token') parameters.id_token_hint = idToken
      else if (typeof sid === 'string' && sid !== '') parameters.logout_hint = sid
      return client.buildEndSessionUrl(configuration, parameters)
    },

    async revokeRefreshToken (refreshToken, requestLog = log) {
      const found = provider
      if (found?.configuration.serverMetadata().revocation_endpoint === undefined) return
      try {
        await traced('oidc.token_revocation', found, 'revocation_endpoint', async () => {
          await client.tokenRevocation(found.configuration, refreshToken, { token_type_hint: 'refresh_token' })
        })
      } catch (error) {
        requestLog.warn({ errorName: (error as Error).name }, 'refresh token revocation failed')
      }
    },

    async verifyLogoutToken (logoutToken) {
      const { verifier, keys } = current()
      return await verifyLogoutToken(verifier, await decryptLogoutToken(logoutToken, keys.decryption))
    },

    verifyServiceToken: (token, audience) => verifyServiceToken(current().verifier, token, audience),

    close: () => closing.abort(new Error('OIDC client closed'))
  }
}
