import type { FastifyPluginAsync } from 'fastify'
import { healthSchema } from '../src/schemas/index.js'

const STORE_PING_TIMEOUT_MS = 1000

const health: FastifyPluginAsync = async (app) => {
  app.get('/healthz', {
    schema: {
      summary: 'Liveness',
      description: 'Answers while the process lives; checks nothing else (no provider, no session store).',
      tags: ['health'],
      response: { 200: { ...healthSchema, description: 'Alive: `{"status":"ok"}`' } }
    }
  }, async function liveness () { return { status: 'ok' } })

  app.get('/readyz', {
    schema: {
      summary: 'Readiness',
      description: 'Ready when the provider\'s metadata is loaded and the session store answers a ping within a second.',
      tags: ['health'],
      response: {
        200: { ...healthSchema, description: 'Ready: `status` is `ready`' },
        503: { ...healthSchema, description: 'Not ready: `status` is `not_ready`; `checks` says what is missing' }
      }
    }
  }, async function readiness (request, reply) {
    const provider = app.oidc.ready ? 'ok' : 'discovering'
    const sessionStore = await pingWithin(() => app.sessionStore.ping(), STORE_PING_TIMEOUT_MS)
    const ready = provider === 'ok' && sessionStore === 'ok'
    reply.header('cache-control', 'no-store')
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: { provider, sessionStore } })
  })
}

async function pingWithin (ping: () => Promise<void>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<string>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs) })
  try {
    return await Promise.race([ping().then(() => 'ok', () => 'unavailable'), timeout])
  } finally {
    clearTimeout(timer)
  }
}

export default health
