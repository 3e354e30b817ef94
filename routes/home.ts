import type { FastifyPluginAsync } from 'fastify'
import { prefersHtml } from '../src/demo/accept.js'
import { readDemoFile } from '../src/demo/assets.js'
import { serviceIndexDescription, serviceIndexResponse } from '../src/schemas/index.js'

/**
 * `/`: where logout lands. A machine-readable index of what this gateway
 * offers and, when the demo is on (development, or DEMO=true), the demo
 * frontend for a browser that asks for HTML. The page is static: it reads
 * this index and `/me` with fetch, so nothing personal is ever templated.
 */
const home: FastifyPluginAsync = async (app) => {
  const { oidc, upstreams } = app.config
  const page = app.config.demo ? readDemoFile('index.html') : undefined
  const index = {
    service: 'eid-bff-gateway',
    links: { login: '/login?returnTo=/me', me: '/me', health: '/healthz', openapi: '/openapi.json' },
    eids: Object.keys(oidc.eidConnections).map((name) => ({ name, login: `/login?eid=${encodeURIComponent(name)}&returnTo=/` })),
    apis: Object.keys(upstreams).map((name) => ({ name, path: `/api/${name}` })),
    demo: page !== undefined
  }

  app.get('/', {
    schema: {
      summary: 'Service index (and the demo frontend)',
      description: serviceIndexDescription(page !== undefined),
      tags: ['meta'],
      response: { 200: serviceIndexResponse(page !== undefined) }
    }
  }, async function serviceIndex (request, reply) {
    reply.header('vary', 'Accept')
    if (page !== undefined && prefersHtml(request.headers.accept)) {
      return await reply.type(page.contentType).send(page.body)
    }
    return index
  })
}

export default home
