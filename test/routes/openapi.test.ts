import t, { type Test } from 'tap'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { Validator } from '@seriousme/openapi-schema-validator'
import { startStack } from '../helpers/gateway.js'
import { buildTestApp } from '../helpers/inject-app.js'
import { signInAtDevIdp } from '../helpers/dev-idp-login.js'
import { TestBrowser, type TestResponse } from '../helpers/test-browser.js'
import { GatewayError } from '../../src/errors.js'
import { DEV_SERVICE_CLIENT } from '../../src/dev-idp/index.js'
import { serviceToken } from '../helpers/service-token.js'

type Json = Record<string, any>
type Assert = Pick<Test, 'ok' | 'equal'>

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch']

/**
 * Every method and path Fastify routes, read from its radix-tree print: each
 * line's label continues its parent's path (`/`, `log`, `in` → `/login`).
 */
function registeredRoutes (tree: string): Array<{ method: string, url: string }> {
  const routes: Array<{ method: string, url: string }> = []
  const prefixes: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line)
    if (match === null) continue
    const depth = (match[1] ?? '').length / 4
    const url = (prefixes[depth - 1] ?? '') + (match[2] ?? '')
    prefixes.length = depth
    prefixes.push(url)
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url })
  }
  return routes
}

/** `/users/:sub/*` → `/users/{sub}/{*}`, as @fastify/swagger writes paths. */
function openapiPath (url: string): string {
  return url.replace(/:(\w+)/g, '{$1}').replace('*', '{*}')
}

/** Checks real answers against the document: the status is documented, the body matches its schema, the headers are there. */
class Conformance {
  readonly #resolved: Json
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true, formats: { 'date-time': (value: string) => /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)) } })
  readonly #compiled = new Map<object, ValidateFunction>()

  /** `resolved`: the document with its `$ref`s replaced by what they point at. */
  constructor (resolved: Json) {
    this.#resolved = resolved
  }

  check (t: Assert, method: string, path: string, res: TestResponse): void {
    const name = `${method.toUpperCase()} ${path} → ${res.status}`
    const documented = this.#resolved.paths?.[path]?.[method]?.responses?.[String(res.status)] as Json | undefined
    t.ok(documented, `${name} is documented`)
    if (documented === undefined) return
    const content = documented.content as Json | undefined
    if (content === undefined) {
      t.equal(res.text, '', `${name} has no body, as documented`)
    } else {
      // The answer's own media type picks the schema (`/` documents JSON and, with the demo on, HTML).
      const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? ''
      const schema = content[mediaType]?.schema as Json | undefined
      t.ok(schema, `${name} is ${mediaType || 'untyped'}, a documented media type (${Object.keys(content).join(', ')})`)
      if (schema === undefined) return
      const validate = this.#compiled.get(schema) ?? this.#ajv.compile(schema)
      this.#compiled.set(schema, validate)
      const valid = validate(mediaType === 'application/json' ? res.json() : res.text)
      t.ok(valid, `${name} matches its documented schema ${JSON.stringify(validate.errors ?? [])}`)
    }
    if (documented.headers?.location !== undefined) t.ok(res.headers.get('location'), `${name} has a Location`)
  }
}

t.test('the live OpenAPI document is valid, lists every route, and the real answers match it', async (t) => {
  const stack = await startStack(t, {
    env: { INTERNAL_AUDIENCE: 'urn:eid-bff:internal', UPSTREAMS: '{"orders":"http://127.0.0.1:9/v1"}' },
    idp: { serviceClient: { ...DEV_SERVICE_CLIENT, audience: 'urn:eid-bff:internal' } }
  })
  const base = stack.gatewayUrl
  const browser = new TestBrowser()

  const served = await browser.get(`${base}/openapi.json`)
  t.equal(served.status, 200)
  t.match(served.headers.get('content-type'), /^application\/json/)
  const doc: Json = served.json()
  t.same(served.setCookies, [], 'no session for reading the document')

  const validator = new Validator()
  const result = await validator.validate(structuredClone(doc))
  t.ok(result.valid, `a valid OpenAPI document: ${JSON.stringify(result.errors ?? []).slice(0, 1000)}`)
  t.equal(doc.openapi, '3.1.0')
  t.equal(doc.info.title, 'eid-bff-gateway')
  t.equal(doc.info.version, JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version, 'the version of package.json')
  t.same(doc.servers, [{ url: base }])

  t.test('every route the app serves is documented, and nothing else', async (t) => {
    const routes = registeredRoutes(stack.app.printRoutes())
    t.ok(routes.length >= 10, `${routes.length} routes found`)
    for (const { method, url } of routes) {
      // HEAD answers come with every GET; the UI's pages document nothing.
      if (method === 'HEAD' || url === '/docs' || url.startsWith('/docs/')) continue
      t.ok(doc.paths[openapiPath(url)]?.[method.toLowerCase()], `${method} ${url}`)
    }
    for (const [path, operations] of Object.entries(doc.paths as Json)) {
      for (const method of Object.keys(operations as Json).filter((key) => METHODS.includes(key))) {
        const url = path.replace('{*}', '*').replace(/\{(\w+)\}/g, ':$1')
        t.ok(stack.app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `documented ${method} ${path} exists`)
      }
    }
  })

  t.test('every operation is described, tagged with a declared tag, and its errors use the shared error schema', async (t) => {
    const tags = new Set((doc.tags as Array<{ name: string }>).map((tag) => tag.name))
    t.same([...tags].filter((tag) => ['auth', 'profile', 'api', 'internal', 'health'].includes(tag)).sort(), ['api', 'auth', 'health', 'internal', 'profile'])
    for (const [path, operations] of Object.entries(doc.paths as Json)) {
      for (const [method, operation] of Object.entries(operations as Json)) {
        const name = `${method.toUpperCase()} ${path}`
        t.ok(operation.summary, `${name}: a summary`)
        t.ok(operation.description, `${name}: a description`)
        t.ok(operation.tags?.length > 0 && operation.tags.every((tag: string) => tags.has(tag)), `${name}: declared tags`)
      }
    }
    for (const path of ['/login', '/callback', '/logout', '/me', '/backchannel-logout']) {
      const operation = Object.values(doc.paths[path] as Json)[0] as Json
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (!/^[45]/.test(status)) continue
        t.equal(response.content['application/json'].schema.$ref, '#/components/schemas/Error', `${path} ${status}`)
      }
    }
    t.same(doc.paths['/me'].get.security, [{ sessionCookie: [] }], '/me needs the session cookie')
    t.ok(doc.paths['/callback'].get.parameters.some((p: Json) => p.name === 'session_state'), 'the callback names session_state')
    t.ok(doc.paths['/backchannel-logout'].post.requestBody.content['application/x-www-form-urlencoded'], 'a form body')
  })

  t.test('the profile, the error shape and the security schemes are components', async (t) => {
    const { schemas, securitySchemes } = doc.components
    t.same(schemas.Error.required, ['error', 'message'])
    t.equal(schemas.Error.additionalProperties, false)
    t.equal(schemas.Profile.additionalProperties, false)
    for (const field of ['sub', 'name', 'birthdate', 'nationalNumber', 'address', 'eid', 'session']) t.ok(schemas.Profile.properties[field], `Profile.${field}`)
    t.equal(doc.paths['/me'].get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/Profile')
    t.same(securitySchemes.sessionCookie, { type: 'apiKey', in: 'cookie', name: stack.config.session.cookieName, description: securitySchemes.sessionCookie.description })
    t.match(securitySchemes.csrfHeader, { type: 'apiKey', in: 'header', name: 'X-CSRF' })
    const flow = securitySchemes.serviceToken.flows.clientCredentials
    t.equal(flow.tokenUrl, `${stack.idp.issuer.replace(/\/$/, '')}/token`)
    t.same(Object.keys(flow.scopes).sort(), ['claims:address', 'claims:age', 'claims:assurance', 'claims:birthdate', 'claims:national_number', 'claims:profile', 'claims:sub', 'sessions:admin'])
  })

  t.test('real answers match the documented schema for their status', async (t) => {
    validator.resolveRefs()
    const conformance = new Conformance(validator.specification)
    const check = (method: string, path: string, res: TestResponse): void => conformance.check(t, method, path, res)

    check('get', '/me', await browser.get(`${base}/me`))
    const unknownLogin = await browser.get(`${base}/callback?state=nobody&code=x&vendor_extra=1`)
    t.equal(unknownLogin.json().error, 'invalid_state', 'a parameter the provider added is no reason to refuse')
    check('get', '/callback', unknownLogin)
    check('get', '/login', await browser.get(`${base}/login?eid=bankid`))
    const login = await browser.get(`${base}/login?returnTo=/dashboard&eid=itsme`)
    check('get', '/login', login)
    const callback = await browser.get((await signInAtDevIdp(browser, login.location as string, 'chris')).href)
    check('get', '/callback', callback)
    const me = await browser.get(`${base}/me`)
    t.equal(me.status, 200)
    check('get', '/me', me)
    const wrongSid = await browser.get(`${base}/logout?sid=somebody-else`)
    t.equal(wrongSid.status, 400)
    check('get', '/logout', wrongSid)
    const junk = await new TestBrowser().post(`${base}/backchannel-logout`, { logout_token: 'not.a.token' })
    t.equal(junk.status, 400)
    check('post', '/backchannel-logout', junk)
    check('post', '/backchannel-logout', await new TestBrowser().request('POST', `${base}/backchannel-logout`, { headers: { 'content-type': 'application/json' }, body: '{"logout_token":"x"}' }))
    for (const path of ['/healthz', '/readyz', '/', '/openapi.json', '/metrics']) {
      const res = await browser.get(`${base}${path}`)
      t.equal(res.status, 200, path)
      check('get', path, res)
    }
    // A browser asking for HTML gets the demo page at / (on outside production), then its two files.
    const page = await browser.get(`${base}/`, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })
    t.match(page.headers.get('content-type'), /^text\/html/, 'the demo page')
    check('get', '/', page)
    for (const path of ['/demo/app.js', '/demo/app.css']) check('get', path, await browser.get(`${base}${path}`))
    // The proxy's own answers (the upstream at port 9 is never there), and the service API's.
    check('get', '/api/orders/{*}', await new TestBrowser().get(`${base}/api/orders/items`, { 'x-csrf': '1' }))
    check('get', '/api/orders/{*}', await browser.get(`${base}/api/orders/items`))
    check('get', '/api/orders/{*}', await browser.get(`${base}/api/orders/items`, { 'x-csrf': '1' }))
    check('get', '/api/orders/{*}', await browser.get(`${base}/api/orders/a/%2e%2e/b`, { 'x-csrf': '1' }))
    const claimsPath = '/internal/users/{sub}/claims'
    const claimsUrl = `${base}/internal/users/${encodeURIComponent(me.json().sub as string)}/claims`
    const tokenFor = async (scope: string): Promise<string> => await serviceToken(stack.idp.issuer, scope)
    const service = new TestBrowser()
    const allScopes = await tokenFor('claims:profile claims:birthdate claims:age claims:address claims:national_number claims:sub')
    const claims = await service.get(claimsUrl, { authorization: `Bearer ${allScopes}` })
    t.equal(claims.status, 200)
    check('get', claimsPath, claims)
    check('get', claimsPath, await service.get(claimsUrl))
    check('get', claimsPath, await service.get(claimsUrl, { authorization: 'Bearer x.y.z' }))
    check('get', claimsPath, await service.get(claimsUrl, { authorization: `Bearer ${await tokenFor('')}` }))
    check('get', claimsPath, await service.get(`${base}/internal/users/nobody/claims`, { authorization: `Bearer ${allScopes}` }))
    const sessionsPath = '/internal/users/{sub}/sessions'
    const sessionsUrl = `${base}/internal/users/${encodeURIComponent(me.json().sub as string)}/sessions`
    const admin = await tokenFor('sessions:admin claims:sub')
    check('get', sessionsPath, await service.get(sessionsUrl, { authorization: `Bearer ${admin}` }))
    check('get', sessionsPath, await service.get(sessionsUrl, { authorization: `Bearer ${allScopes}` }))
    check('delete', `${sessionsPath}/{handle}`, await service.request('DELETE', `${sessionsUrl}/no-such-handle`, { headers: { authorization: `Bearer ${admin}` } }))
    check('get', '/me/sessions', await browser.get(`${base}/me/sessions`, { 'x-csrf': '1' }))
    check('get', '/me/sessions', await browser.get(`${base}/me/sessions`))
    check('delete', '/me/sessions/{handle}', await browser.request('DELETE', `${base}/me/sessions/no-such-handle`, { headers: { 'x-csrf': '1' } }))
    const logout = await browser.get(`${base}${me.json().session.logoutUrl as string}`)
    t.equal(logout.status, 302)
    check('get', '/logout', logout)
    check('get', '/logout', await browser.get(`${base}/logout`))
  })

  t.test('the document and the UI answer while the session store is down', async (t) => {
    const signedIn = new TestBrowser()
    const login = await signedIn.get(`${base}/login`)
    await signedIn.get((await signInAtDevIdp(signedIn, login.location as string, 'chris')).href)
    const store = stack.app.sessionStore
    const get = store.get.bind(store)
    store.get = async () => { throw new GatewayError('session_store_unavailable', 'down', 503) }
    t.teardown(() => { store.get = get })
    t.equal((await signedIn.get(`${base}/me`)).status, 503, 'a route with a session fails')
    t.equal((await signedIn.get(`${base}/openapi.json`)).status, 200, '/openapi.json skips the session')
    t.equal((await signedIn.get(`${base}/docs`)).status, 200, '/docs skips the session')
    t.equal((await signedIn.get(`${base}/docs/static/swagger-ui.css`)).status, 200, 'and so do its assets')
  })
})

t.test('the UI at /docs: strict policy plus the hash of its one inline style, on its own pages only', async (t) => {
  const { app } = await buildTestApp(t)
  const preset = readFileSync(createRequire(import.meta.url).resolve('@fastify/swagger-ui/static/swagger-ui-standalone-preset.js'), 'utf8')
  const styles = [...preset.matchAll(/createElement\("style",null,"([^"]*)"\)/g)].map((match) => `'sha256-${createHash('sha256').update(match[1] ?? '').digest('base64')}'`)
  t.equal(styles.length, 1, 'Swagger UI has one inline style')

  const page = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.notMatch(page.body, /<script>|<style>|style="/, 'no inline script or style in the page')
  const csp = String(page.headers['content-security-policy'])
  t.equal(csp, `default-src 'self';script-src 'self';style-src 'self' ${styles[0] ?? ''};img-src 'self' data:;connect-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'`)
  for (const url of ['/openapi.json', '/me', '/healthz']) {
    const res = await app.inject({ method: 'GET', url })
    t.match(String(res.headers['content-security-policy']), /style-src 'self';/, `${url}: the strict policy`)
  }
  const json = await app.inject({ method: 'GET', url: '/docs/json' })
  t.same(json.json(), (await app.inject({ method: 'GET', url: '/openapi.json' })).json(), 'the UI shows the same document')
})

t.test('in production there is no UI, and the document is still served', async (t) => {
  const { app } = await buildTestApp(t, { NODE_ENV: 'production', SESSION_SECRET: createHash('sha256').update('openapi-test').digest('base64url'), METRICS_TOKEN: 'metrics-token-0123456789abcdef' })
  t.equal((await app.inject({ method: 'GET', url: '/docs' })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode, 200)
})
