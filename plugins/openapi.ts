import { readFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import type { Config } from '../src/config/index.js'

const DOCS_PREFIX = '/docs'

/**
 * The one inline style Swagger UI needs: a `<style>` element inside the
 * Swagger logo of its standalone preset (`.logo_small_svg__cls-2{fill:#fff}…`).
 * Allowed by hash, on the /docs pages only; test/routes/openapi.test.ts
 * recomputes it from the installed preset, so an upgrade that changes it fails there.
 */
const SWAGGER_UI_STYLE_HASH = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"

/** The gateway's own version: package.json is next to plugins/ in the source tree, next to dist/ in the build. */
function readVersion (): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: unknown, version?: unknown }
      if (manifest.name === 'eid-bff-gateway' && typeof manifest.version === 'string') return manifest.version
    } catch {
      // Not this one; try the next folder up.
    }
  }
  return '0.0.0'
}

const VERSION = readVersion()

const DESCRIPTION = `Backend-for-frontend auth gateway for European eID logins (itsme via Auth0 and Criipto Verify).

The browser signs in through \`/login\` and \`/callback\` and then holds one opaque, HttpOnly session cookie; tokens never reach it.
The frontend reads the signed-in person from \`/me\` and calls downstream services through \`/api/<name>/*\` with the header \`X-CSRF: 1\`.
Downstream services read claims from \`/internal/*\` with a bearer token whose scopes decide which claims come back.

Every error is JSON: \`{"error": "<stable code>", "message": "<for people>"}\` (the \`Error\` schema).`

/** Where a client-credentials token comes from: the provider's token endpoint, as far as it can be known before discovery. */
function tokenUrl (config: Config): string {
  const issuer = config.oidc.issuer
  return issuer === undefined ? '/token' : `${issuer.href.replace(/\/$/, '')}/token`
}

/** Component names from shared schema ids: `error` → `Error`. */
function componentName (json: { $id?: unknown }, index: number): string {
  return typeof json.$id === 'string' && json.$id !== ''
    ? `${json.$id.charAt(0).toUpperCase()}${json.$id.slice(1)}`
    : `def-${index}`
}

/**
 * The OpenAPI 3.1 document of every route, built from the routes' own schemas
 * (dynamic mode), served at `/openapi.json`; in development also a Swagger UI
 * at `/docs`. The shared schemas (plugins/schemas.ts) become its components.
 */
export default fp(async (app) => {
  const config = app.config

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'eid-bff-gateway', version: VERSION, description: DESCRIPTION },
      servers: [{ url: config.baseUrl.href.replace(/\/$/, '') }],
      tags: [
        { name: 'auth', description: 'Browser navigation: sign in and out, and the provider\'s calls back' },
        { name: 'profile', description: 'The signed-in person, for the frontend' },
        { name: 'api', description: 'Downstream services behind the session, with the session\'s token (`/api/<name>/*`)' },
        { name: 'internal', description: 'Service-to-service API: bearer tokens from the provider, claims by scope' },
        { name: 'health', description: 'For the orchestrator' },
        { name: 'metrics', description: 'For the monitoring system (Prometheus)' },
        { name: 'meta', description: 'What this service offers: an index and this document' }
      ],
      components: {
        securitySchemes: {
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: config.session.cookieName,
            description: 'The session cookie set by `/callback`: opaque, HttpOnly, SameSite=Lax'
          },
          csrfHeader: {
            type: 'apiKey',
            in: 'header',
            name: 'X-CSRF',
            description: 'Send `X-CSRF: 1` with every call that acts with the session cookie; another site cannot set it'
          },
          metricsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'The `METRICS_TOKEN` setting, when it is set; without it `/metrics` needs no token'
          },
          serviceToken: {
            type: 'oauth2',
            description: 'A JWT from the identity provider (client credentials) for this gateway\'s internal audience. Its scopes decide which claims come back: data minimisation.',
            flows: {
              clientCredentials: {
                tokenUrl: tokenUrl(config),
                scopes: {
                  'claims:profile': 'Names: name, givenName, familyName',
                  'claims:birthdate': 'The date of birth',
                  'claims:age': 'Derived booleans only: ageOver18, ageOver21 (no date of birth)',
                  'claims:address': 'The postal address',
                  'claims:national_number': 'The national register number (nationalNumber) and the typed national identifier (nationalId)',
                  'claims:assurance': 'How the latest login authenticated the person: eIDAS level, acr, amr, auth_time (assurance)',
                  'sessions:admin': 'List a user\'s sessions and end them (`/internal/users/{sub}/sessions`)',
                  'claims:sub': 'Name people by the provider\'s `sub` in paths and answers, instead of this service\'s pairwise ids'
                }
              }
            }
          }
        }
      }
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => componentName(json, index) }
  })

  // Built once, after every route is known: a schema the generator cannot
  // handle stops start-up instead of failing one request later.
  let document = ''
  app.addHook('onReady', async () => { document = JSON.stringify(app.swagger()) })

  app.get('/openapi.json', {
    schema: {
      summary: 'This OpenAPI document',
      description: 'The OpenAPI 3.1 description of every route, generated from the schemas the routes validate and serialise with.',
      tags: ['meta'],
      response: { 200: { description: 'An OpenAPI 3.1 document', type: 'object', additionalProperties: true } }
    }
  }, async function openapiDocument (_request, reply) { return await reply.type('application/json; charset=utf-8').send(document) })

  if (!config.production) {
    const { default: swaggerUi } = await import('@fastify/swagger-ui')
    await app.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      // No validator badge: it would load an image from validator.swagger.io.
      uiConfig: { validatorUrl: null, deepLinking: true },
      // Swagger UI 5 loads only its own files, no inline script: the strict
      // policy stays, plus the hash of its one inline style. The hook that
      // applies this is encapsulated with the UI's routes.
      transformStaticCSP: (header) => header.replace("style-src 'self'", `style-src 'self' ${SWAGGER_UI_STYLE_HASH}`)
    })
  }
}, { name: 'openapi', dependencies: ['config', 'schemas'] })
