import { ASSURANCE_LEVELS } from '../claims/assurance.js'

/** `GET /`: the service index, and with the demo on, the demo page for a browser that asks for HTML. */
export const serviceIndexSchema = {
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
      description: 'The eID options of `EID_CONNECTIONS`, each with the link that signs in with it and comes back here, the eID, and the eIDAS level and acr values it asks for (a step-up picks the option whose acr value a `WWW-Authenticate` challenge names)',
      items: {
        type: 'object',
        required: ['name', 'login', 'eid'],
        properties: {
          name: { type: 'string', examples: ['itsme'] },
          login: { type: 'string', examples: ['/login?eid=itsme&returnTo=/'] },
          eid: { type: 'string', examples: ['itsme'] },
          level: { type: 'string', enum: [...ASSURANCE_LEVELS], examples: ['high'] },
          acrValues: { type: 'array', items: { type: 'string' }, examples: [['urn:grn:authn:itsme:advanced']] }
        },
        additionalProperties: false
      }
    },
    apis: {
      type: 'array',
      description: 'The downstream services of `UPSTREAMS`, each with its mount point (`/api/<name>`)',
      items: {
        type: 'object',
        required: ['name', 'path'],
        properties: {
          name: { type: 'string', examples: ['orders'] },
          path: { type: 'string', examples: ['/api/orders'] },
          level: { type: 'string', enum: [...ASSURANCE_LEVELS], description: 'The least eIDAS level its logins must reach', examples: ['high'] },
          maxAge: { type: 'integer', description: 'Seconds: how long ago the login may have authenticated the person at most', examples: [300] }
        },
        additionalProperties: false
      }
    },
    demo: { type: 'boolean', description: 'Whether a browser asking for HTML here gets the demo frontend' }
  },
  additionalProperties: false
} as const

const INDEX = 'the service name, links to the routes a person would try next, the eIDs to sign in with and the downstream services behind `/api/<name>/*`'

export function serviceIndexDescription (demo: boolean): string {
  return demo
    ? `Where logout lands. JSON: ${INDEX}. A browser that prefers \`text/html\` to \`application/json\` in \`Accept\` gets the demo frontend instead; anything else (no \`Accept\`, \`*/*\`) gets the JSON.`
    : `Where logout lands: ${INDEX}.`
}

/** The one answer of `/`: JSON, or with the demo on, also the page; it varies by `Accept`. */
export function serviceIndexResponse (demo: boolean) {
  return {
    description: demo ? 'The index, or the demo page' : 'The index',
    headers: { vary: { type: 'string', description: '`Accept`: the answer depends on it' } },
    content: {
      'application/json': { schema: serviceIndexSchema },
      ...(demo ? { 'text/html': { schema: { type: 'string', description: 'The demo frontend: a static page with one script and one style sheet of this origin' } } } : {})
    }
  } as const
}
