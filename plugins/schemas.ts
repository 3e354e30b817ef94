import fp from 'fastify-plugin'
import { sharedSchemas } from '../src/schemas/index.js'

/**
 * The shared error and profile schemas, registered before any route so
 * routes can point at them with `$ref` (`error#`, `profile#`); the OpenAPI
 * document lists each once, as a component.
 */
export default fp(async (app) => {
  for (const schema of sharedSchemas) app.addSchema(schema)
}, { name: 'schemas' })
