import t from 'tap'
import { safeReturnTo } from '../../src/return-to.js'

const cases: Array<[string, unknown, string]> = [
  ['a plain path is kept', '/profile', '/profile'],
  ['query and fragment are kept', '/a/b?tab=1#top', '/a/b?tab=1#top'],
  ['the root is kept', '/', '/'],
  ['an absolute URL to another origin falls back', 'https://evil.example', '/'],
  ['a protocol-relative URL falls back', '//evil.example', '/'],
  ['a backslash trick falls back', '/\\evil.example', '/'],
  ['a tab inside the slashes falls back', '/\t/evil.example', '/'],
  ['a newline falls back', '/\n/evil.example', '/'],
  ['a javascript: URL falls back', 'javascript:alert(1)', '/'],
  ['a relative path without slash falls back', 'profile', '/'],
  ['an empty string falls back', '', '/'],
  ['a non-string falls back', ['/', '/x'], '/'],
  ['undefined falls back', undefined, '/'],
  ['an overlong path falls back', '/' + 'a'.repeat(3000), '/'],
  ['dot segments are resolved, staying on our origin', '/a/../b', '/b'],
  ['encoded slashes stay a path', '/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  // Dot segments resolved before the check: each of these becomes //evil.example.
  ['a dot segment before a double slash falls back', '/.//evil.example', '/'],
  ['a parent segment before a double slash falls back', '/a/..//evil.example', '/'],
  ['a parent segment at the root before a double slash falls back', '/..//evil.example', '/'],
  ['an encoded dot segment before a double slash falls back', '/%2e//evil.example', '/'],
  ['an encoded upper-case dot segment before a double slash falls back', '/%2E//evil.example', '/'],
  ['an encoded parent segment before a double slash falls back', '/a/%2E%2E//evil.example', '/'],
  ['a half-encoded parent segment before a double slash falls back', '/a/.%2e//evil.example', '/'],
  ['several dot segments before a double slash fall back', '/./././/evil.example', '/'],
  ['a dot-segment disguise with a query and fragment falls back', '/a/..//evil.example/x?y=1#z', '/'],
  ['a dot-segment disguise with a port and credentials falls back', '/.//user@evil.example:8443/', '/'],
  ['a dot segment that stays on our origin is resolved', '/a/./b', '/a/b'],
  ['an encoded parent segment that stays on our origin is resolved', '/a/%2e%2e/b', '/b'],
  ['a double slash after the first segment stays a path', '/a//evil.example', '/a//evil.example']
]

const GATEWAY = 'https://app.example.com'

for (const [name, input, expected] of cases) {
  const kept = safeReturnTo(input)
  t.equal(kept, expected, name)
  // What the browser does with the Location header: it must land on our origin.
  t.equal(new URL(kept, GATEWAY).origin, GATEWAY, `${name}: the browser stays on our origin`)
}
