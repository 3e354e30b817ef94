/*
 * The embedded provider in a process of its own, as a real provider is in
 * production: with the provider in the gateway's process, the gateway would
 * pay for the provider's async-context hooks on every request. Counts the
 * requests that reach it, so the suite can check that /me never does.
 */
import { startTestIdp } from '../../test/helpers/gateway.js'
import { countServerRequests, readCounts, resetCounts } from '../lib/counters.js'
import { childArgs, failStart, serveParent } from '../lib/ipc.js'

export interface ProviderArgs {
  /** The relying party's origin. */
  readonly gatewayUrl: string
  /** Its redirect URI's path, when not the gateway's /callback. */
  readonly redirectPath?: string
}

const closers: Array<() => unknown> = []
try {
  const { gatewayUrl, redirectPath } = childArgs<ProviderArgs>()
  const overrides = redirectPath === undefined ? {} : { redirectUris: [`${gatewayUrl}${redirectPath}`] }
  const idp = await startTestIdp({ teardown: (fn) => closers.push(fn) }, gatewayUrl, overrides)
  countServerRequests()
  serveParent({ issuer: idp.issuer }, { reset: () => resetCounts(), counters: () => readCounts() }, async () => {
    for (const close of closers.reverse()) await close()
  })
} catch (error) {
  failStart(error)
}
