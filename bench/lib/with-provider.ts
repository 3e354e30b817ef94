import { freePort } from '../../test/helpers/free-port.js'
import type { ProviderArgs } from '../targets/provider.js'
import { startChild, type BenchChild, type StartOptions } from './processes.js'

export interface SignedInTarget {
  readonly server: BenchChild
  /** The embedded provider this server signs in against, in a child process of its own. */
  readonly provider: BenchChild
}

export interface WithProviderOptions extends StartOptions {
  /** The server's redirect URI path, registered at its provider (the gateway's /callback by default). */
  readonly redirectPath?: string
}

/**
 * Starts a server target (`gateway`, `express-oidc`, `apache-oidc`) on a free
 * loopback port with a provider of its own, registered for that port: the
 * provider starts first, then the server with the provider's issuer.
 */
export async function startWithProvider (name: string, args: Record<string, unknown> = {}, options: WithProviderOptions = {}): Promise<SignedInTarget> {
  const port = await freePort()
  const providerArgs: ProviderArgs = { gatewayUrl: `http://127.0.0.1:${port}`, ...(options.redirectPath === undefined ? {} : { redirectPath: options.redirectPath }) }
  const provider = await startChild('provider', { ...providerArgs })
  try {
    const server = await startChild(name, { ...args, port, issuer: provider.info.issuer }, options)
    return { server, provider }
  } catch (error) {
    await provider.stop()
    throw error
  }
}
