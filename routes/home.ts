import type { FastifyPluginAsync } from 'fastify'

const indexSchema = {
  type: 'object',
  properties: {
    service: { type: 'string' },
    links: {
      type: 'object',
      properties: { login: { type: 'string' }, me: { type: 'string' }, health: { type: 'string' } },
      additionalProperties: false
    }
  },
  additionalProperties: false
} as const

/** Where logout lands: a short pointer to the routes a person would try next. */
const home: FastifyPluginAsync = async (app) => {
  app.get('/', {
    schema: {
      summary: 'Service index',
      description: 'Where logout lands: the service name and links to the routes a person would try next.',
      tags: ['meta'],
      response: { 200: { ...indexSchema, description: 'The index' } }
    }
  }, async () => ({
    service: 'eid-bff-gateway',
    links: { login: '/login?returnTo=/me', me: '/me', health: '/healthz' }
  }))
}

export default home
