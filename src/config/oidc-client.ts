import { ConfigError } from '../errors.js'
import { readClientKey, sameKey, type ClientKeySettings } from './client-keys.js'
import { readBoolean, readChoice, readString, type Env } from './readers.js'

/** How the gateway proves itself to the provider's token, PAR and revocation endpoints. */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt'

const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_post', 'client_secret_basic', 'private_key_jwt']
/**
 * Auth0's organization ids (`org_` and letters and digits) and names (lower
 * case, digits, `-`, `_`, up to 50); a name never starts like an id, which
 * is how the ID token check tells `org_id` from `org_name`.
 */
const ORGANIZATION = /^(org_[A-Za-z0-9]{1,64}|(?!org_)[a-z0-9][a-z0-9_-]{0,49})$/

/** What a real tenant asks of the client beyond a secret: its keys, PAR, signed requests, an Auth0 organization. */
export interface ClientSecuritySettings {
  readonly clientAuth: ClientAuthMethod
  /** Signs the client assertions of `private_key_jwt` and the request objects (JAR). */
  readonly clientKey: ClientKeySettings | undefined
  /** Decrypts ID tokens the provider encrypts to the gateway's published `enc` key. */
  readonly encryptionKey: ClientKeySettings | undefined
  /** Every authorization request pushed first (RFC 9126); also whenever the provider's metadata requires it. */
  readonly pushedAuthorizationRequests: boolean
  /** Every authorization request a signed request object (RFC 9101); also whenever the provider's metadata requires it. */
  readonly signedRequestObjects: boolean
  /** An Auth0 organization (`org_…` id or name): sent as `organization`, and its claim required in the ID token. */
  readonly organization: string | undefined
}

/**
 * OIDC_CLIENT_AUTH, OIDC_CLIENT_KEY(_FILE, _ID), OIDC_ENCRYPTION_KEY(_FILE,
 * _ID), OIDC_PAR, OIDC_JAR and OIDC_ORGANIZATION. `withIssuer` is false with
 * the embedded provider, which registers the gateway with a secret, knows
 * none of its keys and issues no organization: settings that need those are
 * refused rather than left to fail at the first login.
 */
export function readClientSecurity (env: Env, withIssuer: boolean): ClientSecuritySettings {
  const clientAuth = readChoice(env, 'OIDC_CLIENT_AUTH', CLIENT_AUTH_METHODS, 'client_secret_post')
  const clientKey = readClientKey({
    name: 'OIDC_CLIENT_KEY',
    value: readString(env, 'OIDC_CLIENT_KEY'),
    file: readString(env, 'OIDC_CLIENT_KEY_FILE'),
    kid: readString(env, 'OIDC_CLIENT_KEY_ID')
  }, 'sig')
  const encryptionKey = readClientKey({
    name: 'OIDC_ENCRYPTION_KEY',
    value: readString(env, 'OIDC_ENCRYPTION_KEY'),
    file: readString(env, 'OIDC_ENCRYPTION_KEY_FILE'),
    kid: readString(env, 'OIDC_ENCRYPTION_KEY_ID')
  }, 'enc')
  const pushedAuthorizationRequests = readBoolean(env, 'OIDC_PAR') ?? false
  const signedRequestObjects = readBoolean(env, 'OIDC_JAR') ?? false
  const organization = readOrganization(env)

  if (clientAuth === 'private_key_jwt' && clientKey === undefined) {
    throw new ConfigError('OIDC_CLIENT_AUTH=private_key_jwt needs OIDC_CLIENT_KEY or OIDC_CLIENT_KEY_FILE: the key that signs the client assertions')
  }
  if (signedRequestObjects && clientKey === undefined) {
    throw new ConfigError('OIDC_JAR=true needs OIDC_CLIENT_KEY or OIDC_CLIENT_KEY_FILE: the key that signs the request objects')
  }
  if (clientKey !== undefined && encryptionKey !== undefined && sameKey(clientKey, encryptionKey)) {
    throw new ConfigError('OIDC_ENCRYPTION_KEY must be another key than OIDC_CLIENT_KEY: one key signs, another decrypts')
  }
  if (!withIssuer) refuseWithEmbeddedProvider(clientAuth, signedRequestObjects, organization)
  return { clientAuth, clientKey, encryptionKey, pushedAuthorizationRequests, signedRequestObjects, organization }
}

function readOrganization (env: Env): string | undefined {
  const organization = readString(env, 'OIDC_ORGANIZATION')
  if (organization !== undefined && !ORGANIZATION.test(organization)) {
    throw new ConfigError('OIDC_ORGANIZATION must be an Auth0 organization id (org_ and letters or digits) or name (lower-case letters, digits, - and _, at most 50)')
  }
  return organization
}

function refuseWithEmbeddedProvider (clientAuth: ClientAuthMethod, signedRequestObjects: boolean, organization: string | undefined): void {
  if (clientAuth !== 'client_secret_post') {
    throw new ConfigError('OIDC_CLIENT_AUTH needs OIDC_ISSUER: the embedded development provider registers the gateway with client_secret_post')
  }
  if (signedRequestObjects) {
    throw new ConfigError('OIDC_JAR needs OIDC_ISSUER: the embedded development provider knows none of the gateway\'s keys')
  }
  if (organization !== undefined) {
    throw new ConfigError('OIDC_ORGANIZATION needs OIDC_ISSUER: the embedded development provider issues no organization claims')
  }
}
