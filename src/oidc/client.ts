import * as client from 'openid-client'
import type { OidcConfig } from '../config/index.js'
import { GatewayError } from '../errors.js'
import type { LoginTransaction, TokenSet } from '../sessions/types.js'
import { toLoginError, toRefreshError } from './errors.js'
import { retryWithBackoff } from './retry.js'
import { verifyServiceToken, type ServiceCaller } from './service-token.js'
import { allowedAlgorithms, createKeySet, verifyIdToken, verifyLogoutToken, verifyRefreshedIdToken, type IdTokenClaims, type LogoutClaims, type TokenVerifier } from './tokens.js'

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

export interface LoginResult {
  readonly tokens: TokenSet
  readonly claims: IdTokenClaims
}

interface Provider {
  readonly configuration: client.Configuration
  readonly verifier: TokenVerifier
}

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
  /** Best effort: a failure is logged, never thrown, because logout must still succeed locally. */
  revokeRefreshToken (refreshToken: string, requestLog?: OidcLogger): Promise<void>
  verifyLogoutToken (logoutToken: string): Promise<LogoutClaims>
  /** A service's client-credentials token for `audience`; throws a 401 `invalid_token` otherwise. */
  verifyServiceToken (token: string, audience: string): Promise<ServiceCaller>
  close (): void
}

/**
 * The gateway's relying party: discovery once at start (retried with backoff
 * until the provider answers), then code flow with PKCE, state and nonce.
 */
export function createOidcClient (settings: OidcConfig, log: OidcLogger): OidcClient {
  const issuer = settings.issuer
  if (issuer === undefined) throw new TypeError('createOidcClient needs an issuer')
  const closing = new AbortController()
  let provider: Provider | undefined

  const discovered = retryWithBackoff(() => discover(issuer, settings), {
    initialDelayMs: 250,
    maxDelayMs: 30_000,
    signal: closing.signal,
    onFailure: (attempt, delayMs) => log.warn({ attempt, retryInMs: delayMs, issuer: issuer.href }, 'provider discovery failed; retrying')
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

  return {
    get ready () { return provider !== undefined },
    whenReady: () => discovered,

    async startLogin ({ returnTo, eid, parameters: chosen }) {
      const { configuration } = current()
      const codeVerifier = client.randomPKCECodeVerifier()
      const transaction: LoginTransaction = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier,
        returnTo,
        eid,
        createdAt: Date.now()
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
      return { url: client.buildAuthorizationUrl(configuration, parameters), transaction }
    },

    async finishLogin (callbackQuery, transaction) {
      const { configuration, verifier } = current()
      const callbackUrl = new URL(settings.redirectUri)
      callbackUrl.search = callbackQuery
      assertSameIssuer(configuration, callbackUrl.searchParams.get('iss'))
      try {
        const response = await client.authorizationCodeGrant(configuration, callbackUrl, {
          pkceCodeVerifier: transaction.codeVerifier,
          expectedState: transaction.state,
          expectedNonce: transaction.nonce,
          idTokenExpected: true
        })
        const idToken = response.id_token
        if (idToken === undefined) throw new GatewayError('id_token_invalid', 'The identity provider returned no ID token', 400)
        // openid-client checked the claims; the signature is checked here, on its own, with jose.
        const claims = await verifyIdToken(verifier, idToken, transaction.nonce)
        const expiresIn = response.expiresIn()
        return {
          claims,
          tokens: {
            accessToken: response.access_token,
            idToken,
            refreshToken: response.refresh_token,
            accessTokenExpiresAt: expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000,
            scope: response.scope,
            generation: 0
          }
        }
      } catch (error) {
        throw toLoginError(error)
      }
    },

    async refresh (tokens, sub) {
      const { configuration, verifier } = current()
      if (tokens.refreshToken === undefined) {
        throw new GatewayError('unauthenticated', 'The session cannot be renewed; sign in again', 401)
      }
      try {
        const response = await client.refreshTokenGrant(configuration, tokens.refreshToken)
        if (response.id_token !== undefined) await verifyRefreshedIdToken(verifier, response.id_token, sub)
        const expiresIn = response.expiresIn()
        return {
          accessToken: response.access_token,
          idToken: response.id_token ?? tokens.idToken,
          refreshToken: response.refresh_token ?? tokens.refreshToken,
          accessTokenExpiresAt: expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000,
          scope: response.scope ?? tokens.scope,
          generation: tokens.generation + 1
        }
      } catch (error) {
        throw toRefreshError(error)
      }
    },

    endSessionUrl ({ idToken, sid }) {
      const { configuration } = current()
      if (configuration.serverMetadata().end_session_endpoint === undefined) return undefined
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
        await client.tokenRevocation(found.configuration, refreshToken, { token_type_hint: 'refresh_token' })
      } catch (error) {
        requestLog.warn({ errorName: (error as Error).name }, 'refresh token revocation failed')
      }
    },

    verifyLogoutToken: (logoutToken) => verifyLogoutToken(current().verifier, logoutToken),

    verifyServiceToken: (token, audience) => verifyServiceToken(current().verifier, token, audience),

    close: () => closing.abort(new Error('OIDC client closed'))
  }
}

/**
 * RFC 9207: the authorization response names its issuer, so a response that
 * another provider produced (a mix-up attack) is refused before its code is
 * sent anywhere. openid-client checks this too; checking first gives a clear code.
 */
function assertSameIssuer (configuration: client.Configuration, iss: string | null): void {
  const metadata = configuration.serverMetadata()
  const expected = iss === null ? metadata.authorization_response_iss_parameter_supported !== true : iss === metadata.issuer
  if (!expected) {
    throw new GatewayError('issuer_mismatch', 'The authorization response did not come from the expected identity provider', 400)
  }
}

async function discover (issuer: URL, settings: OidcConfig): Promise<Provider> {
  const options: client.DiscoveryRequestOptions = { timeout: settings.httpTimeoutSeconds }
  // Plain http is only accepted (by config) for loopback issuers such as the embedded provider.
  if (issuer.protocol === 'http:') options.execute = [client.allowInsecureRequests]
  const configuration = await client.discovery(issuer, settings.clientId, undefined, client.ClientSecretPost(settings.clientSecret), options)
  const metadata = configuration.serverMetadata()
  if (metadata.jwks_uri === undefined) throw new Error('The provider publishes no jwks_uri')
  return {
    configuration,
    verifier: {
      issuer: metadata.issuer,
      clientId: settings.clientId,
      keys: createKeySet(new URL(metadata.jwks_uri), settings.httpTimeoutSeconds * 1000, settings.jwksCooldownSeconds * 1000),
      algorithms: allowedAlgorithms(metadata.id_token_signing_alg_values_supported)
    }
  }
}
