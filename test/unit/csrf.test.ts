import t from 'tap'
import { csrfViolation } from '../../src/security/csrf.js'

const OWN = 'https://app.example.com'
const rows: Array<[string, Record<string, string>, string | undefined]> = [
  ['our frontend: the header, same-origin fetch metadata and our Origin', { 'x-csrf': '1', 'sec-fetch-site': 'same-origin', origin: OWN }, undefined],
  ['an older browser without fetch metadata or Origin, with the header', { 'x-csrf': '1' }, undefined],
  ['a typed-in or bookmarked request (Sec-Fetch-Site: none) with the header', { 'x-csrf': '1', 'sec-fetch-site': 'none' }, undefined],
  ['no header: a cross-site form or link', {}, 'csrf_required'],
  ['a header with another value', { 'x-csrf': 'true' }, 'csrf_required'],
  ['a cross-site fetch that somehow carries the header', { 'x-csrf': '1', 'sec-fetch-site': 'cross-site' }, 'cross_site_request'],
  ['a sibling subdomain', { 'x-csrf': '1', 'sec-fetch-site': 'same-site' }, 'cross_site_request'],
  ['a foreign Origin', { 'x-csrf': '1', origin: 'https://evil.example' }, 'cross_site_request'],
  ['our host on plain http is another origin', { 'x-csrf': '1', origin: 'http://app.example.com' }, 'cross_site_request'],
  ['the null Origin of a sandboxed frame', { 'x-csrf': '1', origin: 'null' }, 'cross_site_request']
]
for (const [name, headers, expected] of rows) {
  t.test(name, async (t) => {
    const violation = csrfViolation(headers, OWN)
    t.equal(violation?.code, expected)
    if (violation !== undefined) t.equal(violation.statusCode, 403)
  })
}
