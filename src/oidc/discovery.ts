import * as client from 'openid-client'
import type { OidcConfig } from '../config/index.js'
import { isAuth0 } from './auth0-logout.js'
import { importClientKeys, type ClientKey, type ClientKeys } from './client-keys.js'
import { allowedAlgorithms, createKeySet, type TokenVerifier } from './tokens.js'

/** The provider as discovered, and how the gateway talks to it. */
export interface Provider {
  readonly configuration: client.Configuration
  readonly verifier: TokenVerifier
  readonly keys: ClientKeys
  /** Authorization requests are pushed first (PAR): configured, or required by the provider's metadata. */
  readonly pushed: boolean
  /** Authorization requests are signed request objects (JAR): configured, or required and a key is there. */
  readonly signed: ClientKey | undefined
  /** An Auth0 tenant, whose `/v2/logout` stands in for a missing `end_session_endpoint`. */
  readonly auth0: boolean
}

/** The provider cannot serve this configuration; the message names what is missing and is safe to log. */
export class ProviderMismatchError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ProviderMismatchError'
  }
}

export interface DiscoveryLogger {
  warn (obj: object, msg: string): void
}

/**
 * Discovery, then the client as configured: its authentication method (the
 * same for the token, PAR and revocation endpoints), response decryption,
 * and whether authorization requests are pushed and signed.
 */
export async function discover (issuer: URL, settings: OidcConfig, log: DiscoveryLogger): Promise<Provider> {
  const keys = await importClientKeys(settings)
  const options: client.DiscoveryRequestOptions = { timeout: settings.httpTimeoutSeconds }
  // Plain http is only accepted (by config) for loopback issuers such as the embedded provider.
  if (issuer.protocol === 'http:') options.execute = [client.allowInsecureRequests]
  const configuration = await client.discovery(issuer, settings.clientId, undefined, clientAuthentication(settings, keys), options)
  const metadata = configuration.serverMetadata()
  if (metadata.jwks_uri === undefined) throw new Error('The provider publishes no jwks_uri')
  const pushed = settings.pushedAuthorizationRequests || metadata.require_pushed_authorization_requests === true
  if (pushed && metadata.pushed_authorization_request_endpoint === undefined) {
    throw new ProviderMismatchError(settings.pushedAuthorizationRequests
      ? 'OIDC_PAR=true, but the provider advertises no pushed_authorization_request_endpoint'
      : 'the provider requires pushed authorization requests but advertises no pushed_authorization_request_endpoint')
  }
  const signedRequired = metadata.require_signed_request_object === true
  if (signedRequired && keys.signing === undefined) {
    log.warn({ issuer: issuer.href }, 'the provider requires signed request objects; set OIDC_CLIENT_KEY so the gateway can sign them')
  }
  if (keys.decryption !== undefined) {
    const { key, kid, alg } = keys.decryption
    client.enableDecryptingResponses(configuration, undefined, { key, kid, alg })
  }
  return {
    configuration,
    keys,
    pushed,
    signed: settings.signedRequestObjects || signedRequired ? keys.signing : undefined,
    auth0: isAuth0(metadata),
    verifier: {
      issuer: metadata.issuer,
      clientId: settings.clientId,
      keys: createKeySet(new URL(metadata.jwks_uri), settings.httpTimeoutSeconds * 1000, settings.jwksCooldownSeconds * 1000),
      algorithms: allowedAlgorithms(metadata.id_token_signing_alg_values_supported)
    }
  }
}

/** OIDC_CLIENT_AUTH, through openid-client's own methods; config made sure the secret or the key is there. */
function clientAuthentication (settings: OidcConfig, keys: ClientKeys): client.ClientAuth {
  switch (settings.clientAuth) {
    case 'client_secret_basic': return client.ClientSecretBasic(settings.clientSecret)
    case 'client_secret_post': return client.ClientSecretPost(settings.clientSecret)
    case 'private_key_jwt': {
      if (keys.signing === undefined) throw new TypeError('private_key_jwt needs a signing key')
      // The kid lets the provider pick the key (Idura's FTN requires one); openid-client adds jti, iat and a 60 s exp.
      return client.PrivateKeyJwt({ key: keys.signing.key, kid: keys.signing.kid })
    }
  }
}
