import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { JWK } from 'jose'
import type { Env } from '../../src/config/index.js'
import type { DevIdp, DevIdpOptions } from '../../src/dev-idp/index.js'
import { freePort } from './free-port.js'
import { startGateway, startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from './gateway.js'
import type { LogCapture } from './log-capture.js'

interface Teardown { teardown (fn: () => unknown): void }

export interface TenantStack {
  readonly app: FastifyInstance
  readonly gatewayUrl: string
  readonly idp: DevIdp
  readonly logs: LogCapture
}

export interface TenantStackOptions {
  /** The gateway's own settings, on top of the test client at the embedded provider. */
  readonly env?: Env
  /** The provider's options; told the gateway's URL, e.g. for a `jwksUri` at its `/jwks.json`. */
  readonly idp?: (gatewayUrl: string) => Partial<DevIdpOptions>
}

/**
 * The embedded provider standing for a real tenant (the gateway's client
 * registered with the auth method, keys and requirements the test names),
 * and a gateway configured for it, each on a loopback port of its own.
 */
export async function startTenantStack (t: Teardown, options: TenantStackOptions = {}): Promise<TenantStack> {
  const port = await freePort()
  const gatewayUrl = `http://127.0.0.1:${port}`
  const idp = await startTestIdp(t, gatewayUrl, options.idp?.(gatewayUrl) ?? {})
  const { app, logs } = await startGateway(t, {
    PORT: String(port),
    BASE_URL: gatewayUrl,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: TEST_CLIENT_ID,
    OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    ...options.env
  })
  return { app, gatewayUrl, idp, logs }
}

export interface TestKey {
  /** PKCS#8 PEM, as OIDC_CLIENT_KEY or OIDC_ENCRYPTION_KEY take it. */
  readonly pem: string
  /** The private key as a JWK. */
  readonly jwk: JWK
  /** The public key as a JWK, with the `kid`, `use` and `alg` given: what a provider registers. */
  publicJwk (kid: string, use: 'sig' | 'enc', alg: string): JWK
}

/** A fresh key pair owned by the test: RSA 2048 by default, or an EC P-256 key. */
export function testKey (type: 'rsa' | 'ec' = 'rsa'): TestKey {
  const { privateKey } = type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const publicPart = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK
  return {
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    jwk: privateKey.export({ format: 'jwk' }) as JWK,
    publicJwk: (kid, use, alg) => ({ ...publicPart, kid, use, alg })
  }
}
