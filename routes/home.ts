import type { FastifyPluginAsync } from 'fastify'
import { askedAcrValues } from '../src/claims/eid-options.js'
import type { EidOption, UpstreamConfig } from '../src/config/index.js'
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
  const { eids, upstreams } = app.config
  const page = app.config.demo ? readDemoFile('index.html') : undefined
  const index = {
    service: 'eid-bff-gateway',
    links: { login: '/login?returnTo=/me', me: '/me', health: '/healthz', openapi: '/openapi.json' },
    eids: eids.map(eidEntry),
    apis: Object.entries(upstreams).map(([name, upstream]) => apiEntry(name, upstream)),
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

/** An eID option of the index: its login link, the eID, and the level it asks for with its acr values (a step-up picks one by them). */
function eidEntry (option: EidOption): Record<string, unknown> {
  const acrValues = askedAcrValues(option)
  return {
    name: option.name,
    login: `/login?eid=${encodeURIComponent(option.name)}&returnTo=/`,
    eid: option.eid,
    ...(option.level === undefined ? {} : { level: option.level }),
    ...(acrValues.length === 0 ? {} : { acrValues: [...acrValues] })
  }
}

/** A downstream service of the index, with what its logins must reach. */
function apiEntry (name: string, upstream: UpstreamConfig): Record<string, unknown> {
  return {
    name,
    path: `/api/${name}`,
    ...(upstream.level === undefined ? {} : { level: upstream.level }),
    ...(upstream.maxAgeSeconds === undefined ? {} : { maxAge: upstream.maxAgeSeconds })
  }
}

export default home
