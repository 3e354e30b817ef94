import fc from 'fast-check'
import { request, type Agent, type IncomingHttpHeaders } from 'node:http'

/** A request as it goes on the wire: the path is already percent-encoded (or deliberately broken). */
export interface RawRequest {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer | undefined
}

export interface RouteTemplate { readonly method: string, readonly path: string }

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 64 })
const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 64 })
const anyText = fc.oneof(printable, fc.string({ unit: 'grapheme', maxLength: 32 }), fc.string({ unit: 'binary', maxLength: 32 }))

/** Percent-encoding that is right, and that is wrong in the ways parsers trip on. */
const encodedPart = fc.oneof(
  anyText.map((value) => encodeURIComponent(value)),
  fc.constantFrom('%', '%G1', '%C0%AF', '%FF%FE', '%00', '%E2%82', '..%2F..%2F', '%2e%2e/', '//evil.example', '/\\evil.example', '\\', '%0d%0aSet-Cookie:%20x=1'),
  fc.uint8Array({ maxLength: 24 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => 'a'.repeat(n))
)
/** Mostly small parts; a long one now and then, which alone would make most requests a 431. */
const part = fc.oneof({ arbitrary: encodedPart, weight: 1 }, { arbitrary: anyText.map((value) => encodeURIComponent(value)), weight: 6 })

const base64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/** JWT-shaped strings: alg none, HS256, random claims, broken segments. */
export const brokenJwt = fc.oneof(
  fc.record({ alg: fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'PS512', ''), kid: printable }, { requiredKeys: [] })
    .chain((header) => fc.tuple(fc.constant(header), fc.dictionary(printable, fc.jsonValue(), { maxKeys: 6 }), fc.constantFrom('', 'c2ln', 'AAAA', '.')))
    .map(([header, payload, signature]) => `${base64url(header)}.${base64url(payload)}.${signature}`),
  fc.tuple(printable, printable, printable).map((parts) => parts.join('.')),
  printable,
  fc.constant('a.b'),
  fc.constant('e30.e30.')
)

const cookieHeader = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: printable.map((value) => `bff=${value}`), weight: 3 },
  { arbitrary: fc.tuple(printable, printable).map(([id, sig]) => `bff=${encodeURIComponent(id)}.${encodeURIComponent(sig)}`), weight: 3 },
  { arbitrary: fc.constantFrom('bff=', 'bff', ';;=;', 'bff=a; bff=b', '__Host-bff=x', 'bff=%ZZ', `bff=${'x'.repeat(32)}.${'y'.repeat(43)}`), weight: 3 },
  { arbitrary: fc.integer({ min: 4_000, max: 20_000 }).map((n) => `bff=${'c'.repeat(n)}`), weight: 1 },
  { arbitrary: fc.array(fc.tuple(printable, printable), { maxLength: 40 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k) || 'k'}=${encodeURIComponent(v)}`).join('; ')), weight: 2 }
)

const body = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]), Buffer.from([0xf0, 0x28, 0x8c, 0xbc]), Buffer.from('{"a":'), Buffer.from('__proto__[x]=1&constructor[prototype][y]=2')),
  brokenJwt.map((token) => Buffer.from(`logout_token=${encodeURIComponent(token)}`)),
  fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  fc.integer({ min: 70_000, max: 200_000 }).map((n) => Buffer.alloc(n, 0x61))
)

const contentType = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16', '*/*', ''),
  printable
)

/** Requests aimed at the given routes, and at the space around them. */
export function hostileRequests (routes: readonly RouteTemplate[]): fc.Arbitrary<RawRequest> {
  const path = fc.oneof(
    { arbitrary: fc.constantFrom(...routes).map((route) => route.path), weight: 3 },
    { arbitrary: fc.tuple(fc.constantFrom(...routes), part).map(([route, extra]) => `${route.path.replace(/\/$/, '')}/${extra}`), weight: 1 },
    { arbitrary: fc.array(part, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`), weight: 1 }
  ).map((p) => p.replace(/:[a-z]+/gi, 'x'))
  const query = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom('returnTo', 'eid', 'sid', 'state', 'code', 'iss', 'error', 'error_description', 'session_state'), part), part),
    { maxLength: 6 }
  ).map((pairs) => pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`)
  return fc.record({
    method: fc.oneof(fc.constantFrom(...routes).map((route) => route.method), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD')),
    path,
    query,
    cookie: cookieHeader,
    authorization: fc.oneof(fc.constant(undefined), brokenJwt.map((token) => `Bearer ${token}`), latin1),
    contentType,
    csrf: fc.oneof(fc.constant(undefined), fc.constantFrom('1', '0', 'true'), latin1),
    extraHeader: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: latin1, weight: 4 }, { arbitrary: fc.integer({ min: 8_000, max: 40_000 }).map((n) => 'h'.repeat(n)), weight: 1 }),
    body
  }).map((r): RawRequest => {
    const headers: Record<string, string> = {}
    if (r.cookie !== undefined) headers.cookie = r.cookie
    if (r.authorization !== undefined) headers.authorization = r.authorization
    if (r.contentType !== undefined) headers['content-type'] = r.contentType
    if (r.csrf !== undefined) headers['x-csrf'] = r.csrf
    if (r.extraHeader !== undefined) headers['x-fuzz'] = r.extraHeader
    return { method: r.method, path: `${r.path}${r.query}`, headers, body: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body }
  })
}

export interface RawAnswer {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/**
 * Sends a request with exactly this request-target (absolute-form, `*`, broken
 * escapes: what fetch() would normalise or refuse) to the server at `origin`.
 * With `expectContinue`, the body waits for the server's `100 Continue`.
 */
export async function sendRaw (origin: string | URL, raw: RawRequest & { readonly expectContinue?: boolean }, agent?: Agent): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin)
  return await new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...raw.headers }
    if (raw.expectContinue === true) headers.expect = '100-continue'
    // Node frames no body of its own for DELETE or OPTIONS: what followed would read as a second request.
    if (raw.body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(raw.body.length)
    const req = request({ host: hostname, port, method: raw.method, path: raw.path, headers, agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    if (raw.expectContinue === true) {
      req.on('continue', () => req.end(raw.body))
      req.flushHeaders()
    } else {
      req.end(raw.body)
    }
  })
}

export interface ProxyTargetOptions {
  /** The configured upstream names: `/api/<name>`. */
  readonly mounts: readonly string[]
  /** host:port of listeners a request must never reach (besides its upstream). */
  readonly victims: readonly string[]
  /** host:port of the gateway itself. */
  readonly gateway: string
}

const hex = (byte: number, upper: boolean): string => {
  const digits = byte.toString(16).padStart(2, '0')
  return `%${upper ? digits.toUpperCase() : digits}`
}

/** A name with some of its characters percent-encoded, in either case. */
function spelled (name: string): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom('plain', 'upper', 'lower'), { minLength: name.length, maxLength: name.length })
    .map((choices) => [...name].map((char, i) => choices[i] === 'plain' ? char : hex(char.charCodeAt(0), choices[i] === 'upper')).join(''))
}

/**
 * Request-targets aimed at the /api proxy the way an attacker writes them:
 * absolute-form with userinfo tricks (`x@victim:port`, the scheme and userinfo
 * as long as the mount), percent-encoded mount names, dot segments in every
 * spelling, encoded slashes and backslashes, duplicated slashes, hosts in
 * path segments, broken escapes, and queries that look like paths.
 */
export function proxyRequestTargets ({ mounts, victims, gateway }: ProxyTargetOptions): fc.Arbitrary<string> {
  const host = fc.constantFrom(...victims, gateway, 'evil.example', 'localhost')
  const segment = fc.oneof(
    { arbitrary: fc.constantFrom('items', '42', 'a%20b', 'x.json', '...', '.a', 'a..', 'é', '~user', ':8080', 'a;b=c', 'a+b'), weight: 8 },
    { arbitrary: fc.constantFrom('..', '.', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%2e', '..%2f', '%2f..', '%2F', 'a%2fb', '%5c', '%5C..%5C', '\\', '..\\', '', '%00', '%', '%zz', '%E0%A4%A', '%252e%252e', '%25', '%40'), weight: 4 },
    { arbitrary: host.map((h) => `@${h}`), weight: 1 },
    { arbitrary: host, weight: 1 },
    { arbitrary: host.map((h) => `http:%2F%2F${h}`), weight: 1 },
    { arbitrary: fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)), weight: 3 }
  )
  const separator = fc.constantFrom('/', '/', '/', '//', '\\', '/./', '/../')
  const rest = fc.array(fc.tuple(separator, segment), { maxLength: 5 }).map((parts) => parts.map(([sep, seg]) => `${sep}${seg}`).join(''))
  const query = fc.oneof(
    fc.constant(''),
    fc.constantFrom('?next=../a', '?x=%', '?a=%zz&b=1', '?url=http://evil.example/', '?p=/../../etc/passwd', '?a=%2F..%2F', '?q=%20&q=%E2%82%AC', '?@evil.example', '?#frag'),
    host.map((h) => `?redirect=//${h}/x`)
  )
  const mount = fc.constantFrom(...mounts)
  const scheme = fc.constantFrom('http', 'https', 'HTTP', 'hTtPs')
  const originForm = fc.tuple(mount.chain((name) => spelled(name)), rest, query).map(([name, r, q]) => `/api/${name}${r}${q}`)
  const absoluteForm = fc.tuple(scheme, fc.oneof(host, fc.tuple(fc.constantFrom('x', 'xx', 'user:pass', gateway), host).map(([userinfo, h]) => `${userinfo}@${h}`)), mount.chain((name) => spelled(name)), rest, query)
    .map(([s, authority, name, r, q]) => `${s}://${authority}/api/${name}${r}${q}`)
  // Scheme and userinfo exactly as long as `/api/<mount>`: what an offset into the URL would cut off.
  const aligned = fc.tuple(scheme, mount, fc.constantFrom(...victims), rest, query)
    .filter(([s, name]) => `/api/${name}`.length > s.length + 3)
    .map(([s, name, victim, r, q]) => `${s}://${'x'.repeat(`/api/${name}`.length - s.length - 3)}@${victim}/api/${name}${r}${q}`)
  return fc.oneof({ arbitrary: originForm, weight: 4 }, { arbitrary: absoluteForm, weight: 2 }, { arbitrary: aligned, weight: 1 }, { arbitrary: fc.constant('*'), weight: 1 })
}
