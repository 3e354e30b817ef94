import type { ClientMetadata, Configuration, EncryptionAlgValues, EncryptionEncValues } from 'oidc-provider'
import type { JWK } from 'jose'

/**
 * How the gateway's client is registered at the embedded provider beyond a
 * secret, and what the provider then demands of it, as a real tenant would:
 * its token endpoint auth method and public keys, pushed and signed
 * authorization requests, encrypted ID tokens. All off by default.
 */
export interface GatewayClientOptions {
  /** `client_secret_post` by default. */
  readonly tokenEndpointAuthMethod?: 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt'
  /** The gateway's public keys, inline (a static JWK set, as Idura's FTN wants)… */
  readonly jwks?: { readonly keys: readonly JWK[] }
  /** …or where the provider fetches them: the gateway's `/jwks.json`. */
  readonly jwksUri?: string
  /** The metadata says `require_pushed_authorization_requests`, and plain authorization requests are refused. */
  readonly requirePushedAuthorizationRequests?: boolean
  /** The metadata says `require_signed_request_object`, and unsigned authorization requests are refused. */
  readonly requireSignedRequestObject?: boolean
  /** ID tokens encrypted to the gateway's `enc` key with these JWE algorithms. */
  readonly idTokenEncryption?: { readonly alg: EncryptionAlgValues, readonly enc: EncryptionEncValues }
}

/** An Auth0 organization every login is in: its id and name go into the ID token as `org_id` and `org_name`. */
export interface OrganizationOptions {
  readonly id?: string
  readonly name?: string
}

export const ORGANIZATION_CLAIMS = ['org_id', 'org_name'] as const

/** The gateway client's registration for `options`: its auth method with the secret or keys it needs, and encryption. */
export function gatewayClientMetadata (options: GatewayClientOptions, clientSecret: string | undefined): Partial<ClientMetadata> {
  const method = options.tokenEndpointAuthMethod ?? 'client_secret_post'
  const encryption = options.idTokenEncryption
  return {
    token_endpoint_auth_method: method,
    ...(method === 'private_key_jwt' || clientSecret === undefined ? {} : { client_secret: clientSecret }),
    ...(options.jwks === undefined ? {} : { jwks: { keys: [...options.jwks.keys] } as ClientMetadata['jwks'] }),
    ...(options.jwksUri === undefined ? {} : { jwks_uri: options.jwksUri }),
    ...(encryption === undefined ? {} : { id_token_encrypted_response_alg: encryption.alg, id_token_encrypted_response_enc: encryption.enc })
  }
}

/** PAR (on, as oidc-provider has it, and required when asked), request objects (JAR), and encryption when a client wants it. */
export function clientSecurityFeatures (options: GatewayClientOptions): Pick<NonNullable<Configuration['features']>, 'pushedAuthorizationRequests' | 'requestObjects' | 'encryption'> {
  return {
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: options.requirePushedAuthorizationRequests === true },
    requestObjects: { enabled: true, requireSignedRequestObject: options.requireSignedRequestObject === true },
    encryption: { enabled: options.idTokenEncryption !== undefined }
  }
}

/** The organization claims of every ID token, as Auth0 issues them for a login through an organization. */
export function organizationClaims (organization: OrganizationOptions | undefined): Record<string, string> {
  if (organization === undefined) return {}
  return {
    ...(organization.id === undefined ? {} : { org_id: organization.id }),
    ...(organization.name === undefined ? {} : { org_name: organization.name })
  }
}

/**
 * For an Auth0 tenant without RP-Initiated Logout discovery: no
 * `end_session_endpoint`, and Auth0's own `mfa_challenge_endpoint` in the
 * metadata, which is how the gateway tells an Auth0 custom domain.
 */
export function auth0Discovery (issuer: string, auth0Logout: boolean): Record<string, string> {
  return auth0Logout ? { mfa_challenge_endpoint: new URL('/mfa/challenge', issuer).href } : {}
}
