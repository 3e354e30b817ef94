import t from 'tap'
import { callerOf, rateLimitRuleFor } from '../../src/security/rate-limit-policy.js'

const limits = { login: 1, backchannelLogout: 2, internal: 3 }
const jwt = (payload: object): string => `Bearer ${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`

const rules: Array<[string, string, ReturnType<typeof rateLimitRuleFor>]> = [
  ['/login is limited per address', '/login', { max: 1, keyBy: 'address' }],
  ['/callback is limited per address', '/callback', { max: 1, keyBy: 'address' }],
  ['/backchannel-logout is limited per address', '/backchannel-logout', { max: 2, keyBy: 'address' }],
  ['the service API is limited per caller', '/internal/users/:sub/claims', { max: 3, keyBy: 'caller' }],
  ['/me is not limited', '/me', undefined],
  ['/healthz is not limited', '/healthz', undefined]
]
for (const [name, url, expected] of rules) {
  t.test(name, async (t) => { t.same(rateLimitRuleFor(url, limits), expected) })
}

const callers: Array<[string, string | undefined, string | undefined]> = [
  ['client_id names the caller', jwt({ client_id: 'billing' }), 'billing'],
  ['azp when there is no client_id', jwt({ azp: 'reports' }), 'reports'],
  ['no header', undefined, undefined],
  ['not a bearer token', 'Basic dXNlcjpwYXNz', undefined],
  ['not a JWT', 'Bearer opaque-token', undefined],
  ['a JWT without a caller', jwt({ sub: 'x' }), undefined],
  ['a caller name that is not a string', jwt({ client_id: 42 }), undefined],
  ['an absurdly long caller name', jwt({ client_id: 'x'.repeat(300) }), undefined]
]
for (const [name, header, expected] of callers) {
  t.test(name, async (t) => { t.equal(callerOf(header), expected) })
}
