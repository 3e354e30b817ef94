import type { FastifyPluginAsync } from 'fastify'
import { prefersHtml } from '../src/demo/accept.js'
import { readDemoFile } from '../src/demo/assets.js'

const indexSchema = {
  type: 'object',
  required: ['service', 'links', 'eids', 'apis', 'demo'],
  properties: {
    service: { type: 'string' },
    links: {
      type: 'object',
      properties: { login: { type: 'string' }, me: { type: 'string' }, health: { type: 'string' }, openapi: { type: 'string' } },
      additionalProperties: false
    },
    eids: {
      type: 'array',
      description: 'The eIDs of `EID_CONNECTIONS`, each with the link that signs in with it and comes back here',
      items: {
        type: 'object',
        required: ['name', 'login'],
        properties: { name: { type: 'string', examples: ['itsme'] }, login: { type: 'string', examples: ['/login?eid=itsme&returnTo=/'] } },
        additionalProperties: false
      }
    },
    apis: {
      type: 'array',
      description: 'The downstream services of `UPSTREAMS`, each with its mount point (`/api/<name>`)',
      items: {
        type: 'object',
        required: ['name', 'path'],
        properties: { name: { type: 'string', examples: ['orders'] }, path: { type: 'string', examples: ['/api/orders'] } },
        additionalProperties: false
      }
    },
    demo: { type: 'boolean', description: 'Whether a browser asking for HTML here gets the demo frontend' }
  },
  additionalProperties: false
} as const

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
      description: page === undefined
        ? 'Where logout lands: the service name, links to the routes a person would try next, the eIDs to sign in with and the downstream services behind `/api/<name>/*`.'
        : 'Where logout lands. JSON: the service name, links to the routes a person would try next, the eIDs to sign in with and the downstream services behind `/api/<name>/*`. A browser that prefers `text/html` to `application/json` in `Accept` gets the demo frontend instead; anything else (no `Accept`, `*/*`) gets the JSON.',
      tags: ['meta'],
      response: {
        200: {
          description: page === undefined ? 'The index' : 'The index, or the demo page',
          headers: { vary: { type: 'string', description: '`Accept`: the answer depends on it' } },
          content: {
            'application/json': { schema: indexSchema },
            ...(page === undefined ? {} : { 'text/html': { schema: { type: 'string', description: 'The demo frontend: a static page with one script and one style sheet of this origin' } } })
          }
        }
      }
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
