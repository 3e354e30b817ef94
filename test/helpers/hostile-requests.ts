import fc from 'fast-check'

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
