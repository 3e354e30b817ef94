import { randomBytes } from 'node:crypto'
import type { DevIdp, DevIdpOptions } from '../dev-idp/index.js'
import { connectionsOf, eidOptionsOf } from './claims.js'
import { deepFreeze } from './freeze.js'
import type { Config } from './index.js'
import { readPort, type Env } from './readers.js'
import { readUpstreams } from './upstreams.js'

/*
 * The development defaults, decided here and nowhere else. Without
 * OIDC_ISSUER the gateway signs in at the embedded provider (src/dev-idp),
 * which stands for Auth0 with an itsme connection, puts the Action's claims
 * under DEV_CLAIMS_NAMESPACE and mints service tokens for
 * DEV_INTERNAL_AUDIENCE; the demo without UPSTREAMS calls the example API.
 * loadConfig fills the values in, startDevelopment starts what they name;
 * production has neither.
 */
export const DEV_CLIENT_ID = 'bff-dev'
export const DEV_CLAIMS_NAMESPACE = 'https://example.com'
export const DEV_INTERNAL_AUDIENCE = 'urn:eid-bff:internal'
/** The development service client's credentials, published in the README: the embedded provider is never for production. */
export const DEV_SERVICE_CLIENT = { clientId: 'dev-service', clientSecret: 'dev-service-secret' } as const
/** Seconds: how recent a login the demo's high-assurance example API wants. */
const DEV_HIGH_API_MAX_AGE = 900
/**
 * The embedded provider's itsme connection passes acr_values on (as an Auth0
 * connection does with `upstream_params`), so one connection serves both
 * levels and a step-up from basic to advanced keeps the person's `sub`.
 */
const DEV_EID_OPTIONS: Readonly<Record<string, unknown>> = {
  itsme: { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:basic' },
  'itsme-advanced': { connection: 'itsme', acr_values: 'urn:grn:authn:itsme:advanced' }
}

export interface DevelopmentDefaults {
  readonly providerPort: number
  readonly clientId: string
  readonly clientSecret: string
  readonly eidConnections: Readonly<Record<string, string>>
  /** EID_CONNECTIONS as its JSON would be, for config/claims.ts to read. */
  readonly eidOptions: Readonly<Record<string, unknown>>
  readonly claimsNamespace: string
  readonly internalAudience: string
}

/** What loadConfig fills in without OIDC_ISSUER; the provider listens on DEV_IDP_PORT, the port after PORT by default. */
export function readDevelopmentDefaults (env: Env, port: number): DevelopmentDefaults {
  return {
    providerPort: readPort(env, 'DEV_IDP_PORT') ?? (port === 0 ? 0 : port + 1),
    clientId: DEV_CLIENT_ID,
    // Registered at the embedded provider when it starts; known to nobody else.
    clientSecret: randomBytes(24).toString('base64url'),
    eidConnections: connectionsOf(eidOptionsOf(DEV_EID_OPTIONS)),
    eidOptions: DEV_EID_OPTIONS,
    claimsNamespace: DEV_CLAIMS_NAMESPACE,
    internalAudience: DEV_INTERNAL_AUDIENCE
  }
}

export type ProviderRegistration = Pick<DevIdpOptions, 'clientId' | 'clientSecret' | 'redirectUris' | 'postLogoutRedirectUris' | 'backchannelLogoutUri' | 'claimsNamespace' | 'serviceClient'>

/** A gateway's client at the embedded provider: its URIs, its claims namespace, and a service client for its INTERNAL_AUDIENCE. */
export function providerRegistration (config: Config): ProviderRegistration {
  const audience = config.internalApi.audience
  return {
    clientId: config.oidc.clientId,
    clientSecret: config.oidc.clientSecret,
    redirectUris: [config.oidc.redirectUri],
    postLogoutRedirectUris: [config.oidc.postLogoutRedirectUri],
    backchannelLogoutUri: config.oidc.backchannelLogoutUri,
    claimsNamespace: config.claims.namespace ?? DEV_CLAIMS_NAMESPACE,
    serviceClient: audience === undefined ? undefined : { ...DEV_SERVICE_CLIENT, audience }
  }
}

export interface Development {
  /** The config completed with what started: the provider's issuer, the example API at /api/example. */
  readonly config: Config
  /** The embedded provider's issuer, when it started. */
  readonly issuer: string | undefined
  /** The example API's URL, when it started. */
  readonly exampleApiUrl: string | undefined
  close (): Promise<void>
}

/**
 * Starts what a config from loadConfig leaves to development: without
 * OIDC_ISSUER the embedded provider, and for the demo outside production
 * without UPSTREAMS the example API. Starts nothing otherwise, and returns
 * the config as it came.
 */
export async function startDevelopment (config: Config): Promise<Development> {
  const started: Array<{ close (): Promise<void> }> = []
  const close = async (): Promise<void> => { await Promise.all(started.map((service) => service.close())) }
  try {
    let completed = config
    let issuer: string | undefined
    let exampleApiUrl: string | undefined
    if (config.devIdp !== undefined) {
      const provider = await startEmbeddedProvider(config, config.devIdp.port)
      started.push(provider)
      issuer = provider.issuer
      completed = deepFreeze({ ...completed, oidc: { ...completed.oidc, issuer: new URL(issuer) } })
    }
    if (config.demo && !config.production && Object.keys(config.upstreams).length === 0) {
      const { startExampleUpstream } = await import('../demo/example-upstream.js')
      const api = await startExampleUpstream()
      started.push(api)
      exampleApiUrl = api.url
      // Read as UPSTREAMS would be, so the example API gets any upstream's defaults; mounted
      // twice, the second time for logins at level high from the last 15 minutes (RFC 9470 step-up).
      const upstreams = { example: api.url, 'example-high': { url: api.url, level: 'high', maxAge: DEV_HIGH_API_MAX_AGE } }
      completed = deepFreeze({ ...completed, upstreams: readUpstreams({ UPSTREAMS: JSON.stringify(upstreams) }) })
    }
    return { config: completed, issuer, exampleApiUrl, close }
  } catch (error) {
    await close()
    throw error
  }
}

async function startEmbeddedProvider (config: Config, port: number): Promise<DevIdp> {
  // Loaded only here: a production install has no oidc-provider.
  const { startDevIdp } = await import('../dev-idp/index.js')
  return await startDevIdp({
    ...providerRegistration(config),
    host: config.host,
    port,
    publicHostname: config.baseUrl.hostname,
    production: config.production
  })
}
