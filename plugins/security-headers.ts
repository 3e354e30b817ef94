import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'

/**
 * Browser-facing hardening on every response. The content security policy
 * allows only this origin's own scripts, styles and requests, no inline code,
 * no framing (clickjacking) and no plugins, so a page the gateway serves
 * cannot be made to run or send anything elsewhere. Responses are never
 * cached unless their route says otherwise: most carry a person's data.
 */
export default fp(async (app) => {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"]
      }
    },
    // HSTS only means something over https; on a loopback http origin it would only confuse.
    strictTransportSecurity: app.config.session.secureCookie ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' }
  })
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
  })
}, { name: 'security-headers', dependencies: ['config'] })
