/*
 * The proxy yardstick: bare Fastify with @fastify/reply-from (the gateway's
 * proxy library, with the same undici pool) forwarding every path to the
 * upstream with a fixed bearer token (the signed-in session's own, so the
 * upstream request is as large as the gateway's). No session, no hooks, no
 * logger: the floor of any Fastify proxy on this machine, as bare Fastify is
 * for /me.
 */
import Fastify from 'fastify'
import replyFrom from '@fastify/reply-from'
import { countServerRequests, readCounts, resetCounts } from '../lib/counters.js'
import { childArgs, failStart, serveParent } from '../lib/ipc.js'

try {
  const { upstreamUrl, bearer } = childArgs<{ upstreamUrl: string, bearer: string }>()
  const proxy = Fastify({ logger: false })
  await proxy.register(replyFrom, { base: upstreamUrl, undici: { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 } })
  proxy.get('/*', async (request, reply) => reply.from(request.url, {
    rewriteRequestHeaders: (_request, headers) => ({ ...headers, authorization: `Bearer ${bearer}` })
  }))
  const url = await proxy.listen({ host: '127.0.0.1', port: 0 })
  countServerRequests()
  serveParent({ url }, { reset: () => resetCounts(), counters: () => readCounts() }, async () => { await proxy.close() })
} catch (error) {
  failStart(error)
}
