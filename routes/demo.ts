import type { FastifyPluginAsync } from 'fastify'
import { readDemoFile } from '../src/demo/assets.js'

/**
 * The demo frontend's script and style sheet, read once at start-up. They are
 * files of this origin, so the strict content security policy (`script-src
 * 'self'`, `style-src 'self'`) allows them with no inline code at all.
 */
const demo: FastifyPluginAsync = async (app) => {
  if (!app.config.demo) return

  const assets = [
    { url: '/demo/app.js', file: readDemoFile('app.js'), mediaType: 'text/javascript', what: 'script' },
    { url: '/demo/app.css', file: readDemoFile('app.css'), mediaType: 'text/css', what: 'style sheet' }
  ]
  for (const { url, file, mediaType, what } of assets) {
    app.get(url, {
      schema: {
        summary: `The demo frontend's ${what}`,
        description: `A static file of the demo frontend served at \`/\` (development, or \`DEMO=true\`). Never personal: the page reads \`/me\` itself.`,
        tags: ['meta'],
        response: {
          200: { description: `The ${what}`, content: { [mediaType]: { schema: { type: 'string' } } } }
        }
      }
    }, async function asset (_request, reply) { return await reply.type(file.contentType).send(file.body) })
  }
}

export default demo
