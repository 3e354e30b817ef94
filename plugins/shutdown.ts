import fp from 'fastify-plugin'

/**
 * While the server closes, every response still being written says
 * `Connection: close`: a keep-alive client would otherwise hold its idle
 * socket open until the keep-alive timeout and stall a graceful shutdown.
 */
export default fp(async (app) => {
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
}, { name: 'shutdown' })
