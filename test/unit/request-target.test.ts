import t from 'tap'
import { requestTargetViolation } from '../../src/security/request-target.js'

// [case, request-target, accepted]
const CASES: Array<[string, string, boolean]> = [
  ['a path', '/me', true],
  ['a path with a query', '/login?returnTo=/me', true],
  ['the root', '/', true],
  ['a path with doubled slashes is still origin-form', '//api/x', true],
  ['absolute-form', 'http://gateway.example/me', false],
  ['absolute-form with userinfo', 'http://x@127.0.0.1:5170/api/root/steal', false],
  ['absolute-form in capitals', 'HTTPS://gateway.example/me', false],
  ['asterisk-form', '*', false],
  ['authority-form', 'gateway.example:443', false],
  ['an empty target', '', false],
  ['a fragment', '/internal/users#/x', false]
]

for (const [name, target, accepted] of CASES) {
  t.test(`${name}: ${accepted ? 'accepted' : 'refused'}`, async (t) => {
    const violation = requestTargetViolation(target)
    if (accepted) {
      t.equal(violation, undefined)
    } else {
      t.match(violation, { code: 'invalid_request', statusCode: 400 })
    }
  })
}
