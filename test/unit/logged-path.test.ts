import t from 'tap'
import { loggedPath } from '../../src/log.js'

const SUB = 'oidc%7Citsme%7C%7Bf729d0aa%7D'

// [case, request URL, logged path]
const CASES: Array<[string, string, string]> = [
  ['an ordinary path, without its query', '/callback?code=abc&state=def', '/callback'],
  ['a path with escapes that names nobody is kept as sent', '/api/orders/caf%C3%A9', '/api/orders/caf%C3%A9'],
  ['a claims lookup', `/internal/users/${SUB}/claims`, '/internal/users/[redacted]'],
  ['a lookup with dot segments', `/internal/../internal/users/${SUB}/claims`, '/internal/../internal/users/[redacted]'],
  ['absolute-form', `http://gateway.example/internal/users/${SUB}/claims`, 'http://gateway.example/internal/users/[redacted]'],
  ['an escaped word', `/%69nternal/%75sers/${SUB}`, '/internal/users/[redacted]'],
  ['escapes within escapes', `/internal/%252575sers/${SUB}`, '/internal/users/[redacted]'],
  ['escapes nested deeper than we decode', `/internal/%2525252575sers/${SUB}`, '/internal/[redacted]'],
  ['capitals', `/INTERNAL/USERS/${SUB}`, '/INTERNAL/USERS/[redacted]'],
  ['an encoded slash', `/internal/users%2F${SUB}`, '/internal/users/[redacted]'],
  ['backslashes', `/internal\\users\\${SUB}`, '/internal\\users/[redacted]'],
  ['a fragment', `/internal/users#/${SUB}`, '/internal/users'],
  ['the word at the very end', '/api/orders/users', '/api/orders/users']
]

for (const [name, url, logged] of CASES) {
  t.test(name, async (t) => {
    t.equal(loggedPath(url), logged)
    t.notMatch(loggedPath(url), /f729d0aa/)
  })
}
