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
  app.get('/', { schema: { response: { 200: indexSchema } } }, async () => ({
    service: 'eid-bff-gateway',
    links: { login: '/login?returnTo=/me', me: '/me', health: '/healthz' }
  }))
}

export default home
