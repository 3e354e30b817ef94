import t from 'tap'
import fc from 'fast-check'
import { originalTarget } from '../../src/forward-auth/original-path.js'
import { forwardedTarget, checkForwardedHost } from '../../src/forward-auth/request.js'

// Each spelling must come out as the path the protected service serves, so none picks another prefix's rule.
const resolved: Array<[string, string, string]> = [
  ['a plain path', '/app/page', '/app/page'],
  ['the query is not part of the path', '/app/page?x=/hr/&y=..', '/app/page'],
  ['a trailing slash stays', '/app/', '/app/'],
  ['the root', '/', '/'],
  ['doubled slashes are merged, as nginx does before it routes', '//hr//x', '/hr/x'],
  ['escapes are undone', '/h%72/x', '/hr/x'],
  ['UTF-8 escapes are decoded', '/caf%C3%A9/', '/café/'],
  ['a dot-file is a name, not a dot segment', '/app/.well-known/x', '/app/.well-known/x'],
  ['a name that starts with two dots is a name', '/app/..hidden', '/app/..hidden'],
  ['a name that ends with a dot is a name', '/app/v1./x', '/app/v1./x']
]

for (const [name, target, path] of resolved) {
  t.equal(originalTarget(target, 'X-Forwarded-Uri').path, path, name)
  t.equal(originalTarget(target, 'X-Forwarded-Uri').target, target, `${name}: the target is kept as sent`)
}

// What some server would read differently from us is refused, never guessed at.
const refused: Array<[string, string, RegExp]> = [
  ['a parent segment (nginx serves /hr/x, Fastify and Express /app/../hr/x)', '/app/../hr/x', /dot segments/],
  ['an escaped parent segment', '/app/%2e%2e/hr/x', /dot segments/],
  ['an upper-case, half-escaped one', '/app/.%2E/hr/x', /dot segments/],
  ['a parent segment at the root', '/../hr/x', /dot segments/],
  ['a dot segment', '/./hr/x', /dot segments/],
  ['a trailing dot segment', '/hr/x/.', /dot segments/],
  ['a parent segment after an empty one (/hr/app or /app, by the server)', '/hr//../app', /dot segments/],
  ['an escaped slash (a server that decodes first sees /app/../hr/)', '/app/..%2Fhr/x', /escaped slashes/],
  ['an escaped lower-case slash', '/app/..%2fhr/x', /escaped slashes/],
  ['an escaped backslash', '/app/..%5Chr/x', /escaped slashes/],
  ['a raw backslash', '/app/..\\hr/x', /must be the original request's path/],
  ['an escaped NUL', '/hr%00/x', /control characters/],
  ['an escaped newline', '/hr/%0d%0ax', /control characters/],
  ['a double escape (%252e%252e)', '/app/%252e%252e/hr/', /escaped twice/],
  ['broken percent-encoding', '/app/%zz', /not valid percent-encoding/],
  ['an escape of a lone UTF-8 continuation byte', '/app/%80', /not valid percent-encoding/],
  ['a path parameter on a parent segment (Tomcat reads ..; as ..)', '/app/..;/hr/x', /dot segments/],
  ['a dot segment with a parameter', '/app/.;x/hr', /dot segments/],
  ['three dots', '/app/.../hr', /dot segments/],
  ['a parent segment with an escaped trailing space', '/app/..%20/hr', /dot segments/],
  ['absolute-form', 'http://evil.example/hr/x', /must be the original request's path/],
  ['the asterisk-form', '*', /must be the original request's path/],
  ['a relative path', 'hr/x', /must be the original request's path/],
  ['a fragment', '/app/#/../hr', /must be the original request's path/],
  ['a raw space', '/app/ x', /must be the original request's path/],
  ['a header sent twice and joined with ", "', '/app/, /hr/', /must be the original request's path/],
  ['raw non-ASCII bytes', '/caf\u00e9/', /must be the original request's path/],
  ['an overlong target', `/${'a'.repeat(5000)}`, /must be the original request's path/],
  ['empty', '', /must be the original request's path/]
]

for (const [name, target, message] of refused) {
  t.throws(() => originalTarget(target, 'X-Forwarded-Uri'), { name: 'GatewayError', code: 'invalid_request', statusCode: 400, message }, name)
}

t.test('the original target comes from X-Original-URI or X-Forwarded-Uri, and both must agree', async (t) => {
  t.equal(forwardedTarget({ 'x-forwarded-uri': '/app/x' }).path, '/app/x', 'Traefik and Caddy')
  t.equal(forwardedTarget({ 'x-original-uri': '/app/x' }).path, '/app/x', 'nginx\'s documented example')
  t.equal(forwardedTarget({ 'x-original-uri': '/app/x', 'x-forwarded-uri': '/app/x' }).path, '/app/x', 'both, agreeing')
  t.throws(() => forwardedTarget({ 'x-original-uri': '/app/x', 'x-forwarded-uri': '/hr/x' }), { code: 'invalid_request', message: /name different requests/ },
    'the browser adds the header the proxy does not set')
  t.throws(() => forwardedTarget({ 'x-original-uri': '/app/x', 'x-forwarded-uri': '/app/x/' }), { code: 'invalid_request' }, 'even a slash apart')
  t.throws(() => forwardedTarget({}), { code: 'invalid_request', message: /must send the original request/ }, 'neither')
  t.throws(() => forwardedTarget({ 'x-forwarded-uri': '/app/../hr/' }), { code: 'invalid_request' })
})

t.test('X-Forwarded-Host, when sent, must name BASE_URL\'s host', async (t) => {
  t.doesNotThrow(() => checkForwardedHost({}, 'app.example.com'), 'none sent')
  t.doesNotThrow(() => checkForwardedHost({ 'x-forwarded-host': 'app.example.com' }, 'app.example.com'))
  t.doesNotThrow(() => checkForwardedHost({ 'x-forwarded-host': 'APP.example.com:8443' }, 'app.example.com'), 'any port, any case')
  t.doesNotThrow(() => checkForwardedHost({ 'x-forwarded-host': '[::1]:8080' }, '[::1]'))
  for (const host of ['other.example.com', 'app.example.com.evil.example', 'evil.example/app.example.com', 'x@app.example.com', 'app.example.com, other.example.com', '']) {
    t.throws(() => checkForwardedHost({ 'x-forwarded-host': host }, 'app.example.com'), { code: 'invalid_request', statusCode: 400 }, JSON.stringify(host))
  }
})

// Generated spellings: an accepted target is one whose path the URL parser
// leaves as it is apart from undoing escapes and merging empty segments (so
// no dot segment, which servers resolve in different ways or not at all);
// everything else is refused with a 400, never a guess or a crash.
t.test('any spelling: accepted only when no server could resolve it otherwise, or refused with a 400', async (t) => {
  const segment = fc.oneof(
    fc.constantFrom('app', 'hr', 'admin', '..', '.', '%2e%2e', '.%2E', '%2e', '', '..;', '%2F', '%5c', '%252e%252e', 'a;b', '%41', '%C3%A9', '%', '%zz', '...', '%20..', '.x', 'x.'),
    fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{0,6}$/)
  )
  const target = fc.tuple(fc.array(segment, { maxLength: 8 }), fc.boolean(), fc.option(fc.stringMatching(/^[a-z=&/.%]{0,8}$/))).map(([segments, slash, query]) =>
    `/${segments.join('/')}${slash ? '/' : ''}${query === null ? '' : `?${query}`}`)
  let accepted = 0
  fc.assert(fc.property(target, (raw) => {
    let path: string
    try {
      path = originalTarget(raw, 'X-Forwarded-Uri').path
    } catch (error) {
      return (error as { code?: string }).code === 'invalid_request' && (error as { statusCode?: number }).statusCode === 400
    }
    accepted++
    const rawPath = raw.split('?')[0] as string
    const parsed = new URL(`http://gateway.invalid${rawPath}`).pathname
    const merge = (path: string): string => decodeURIComponent(path).replace(/\/{2,}/g, '/')
    // The parser changed nothing but escapes it may add: no dot segment was there to resolve.
    return merge(parsed) === merge(rawPath) && path === merge(rawPath) && !/(^|\/)\.\.?(\/|$)/.test(path)
  }), { numRuns: 3000, seed: 20261203 })
  t.ok(accepted > 300, `${accepted} of 3000 generated targets accepted and checked against the URL parser`)
})
