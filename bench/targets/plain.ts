/*
 * The yardsticks: a bare Fastify route returning the /me profile as a fixed
 * JSON object (no session, no plugins, no logger), and a bare downstream
 * service for the /api proxy, both in this one process on loopback.
 */
import Fastify from 'fastify'
import { CHRIS_PROFILE } from '../../test/helpers/constants.js'
import { countServerRequests, readCounts, resetCounts } from '../lib/counters.js'
import { childArgs, failStart, serveParent } from '../lib/ipc.js'

const PROFILE = {
  ...CHRIS_PROFILE,
  session: { sid: 'bench-sid', expiresAt: '2026-11-24T18:00:00.000Z', logoutUrl: '/logout?sid=bench-sid' }
}
const ITEMS = { items: [{ id: 1, name: 'first' }, { id: 2, name: 'second' }] }

try {
  const bare = Fastify({ logger: false })
  bare.get('/me', async () => PROFILE)
  const upstream = Fastify({ logger: false })
  upstream.get('/*', async () => ITEMS)
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 })
  // The parent picks the upstream's port, so that the gateway can start alongside with it configured.
  const upstreamUrl = await upstream.listen({ host: '127.0.0.1', port: childArgs<{ upstreamPort?: number }>().upstreamPort ?? 0 })
  countServerRequests()
  serveParent({ bareUrl, upstreamUrl }, { reset: () => resetCounts(), counters: () => readCounts() }, async () => {
    await Promise.all([bare.close(), upstream.close()])
  })
} catch (error) {
  failStart(error)
}
