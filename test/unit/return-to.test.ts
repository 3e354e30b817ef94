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
  ['encoded slashes stay a path', '/%2F%2Fevil.example', '/%2F%2Fevil.example']
]

for (const [name, input, expected] of cases) {
  t.equal(safeReturnTo(input), expected, name)
}
