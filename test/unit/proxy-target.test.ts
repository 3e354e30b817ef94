import t from 'tap'
import { upstreamTarget } from '../../src/proxy/target.js'

const WITH_PATH = new URL('http://orders.internal:8080/v1')
const WITHOUT_PATH = new URL('http://orders.internal:8080')

// [case, base, wildcard as the router decoded it, raw request URL, upstream URL, query]
const ACCEPTED: Array<[string, URL, string | undefined, string, string, string]> = [
  ['the mount alone maps to the base path', WITH_PATH, undefined, '/api/orders', 'http://orders.internal:8080/v1', ''],
  ['the mount alone on an upstream without a path maps to /', WITHOUT_PATH, undefined, '/api/orders', 'http://orders.internal:8080/', ''],
  ['a trailing slash is kept', WITH_PATH, '', '/api/orders/', 'http://orders.internal:8080/v1/', ''],
  ['path segments go under the base path', WITH_PATH, 'items/42', '/api/orders/items/42', 'http://orders.internal:8080/v1/items/42', ''],
  ['a mount name spelled with escapes changes nothing', WITH_PATH, 'x', '/api/orde%72s/x', 'http://orders.internal:8080/v1/x', ''],
  ['the query is passed on as sent', WITH_PATH, 'x', '/api/orders/x?filter=a%20b&n=1&n=2', 'http://orders.internal:8080/v1/x', 'filter=a%20b&n=1&n=2'],
  ['a query that looks like a path is only a query', WITH_PATH, 'x', '/api/orders/x?next=../a&p=%2e%2e/b', 'http://orders.internal:8080/v1/x', 'next=../a&p=%2e%2e/b'],
  ['decoded characters are escaped again', WITH_PATH, 'a b/é/100%', '/api/orders/a%20b/%C3%A9/100%25', 'http://orders.internal:8080/v1/a%20b/%C3%A9/100%25', ''],
  ['characters a segment may hold stay as they are', WITH_PATH, "a:b@c;d=e,f+g&h$i!j'k(l)m*n~o", '/api/orders/x', "http://orders.internal:8080/v1/a:b@c;d=e,f+g&h$i!j'k(l)m*n~o", ''],
  ['a ? or # decoded from the path stays in the path', WITH_PATH, 'a?b#c', '/api/orders/a%3Fb%23c', 'http://orders.internal:8080/v1/a%3Fb%23c', ''],
  ['a host-like segment stays a segment', WITHOUT_PATH, '@evil.example:81/x', '/api/orders/@evil.example:81/x', 'http://orders.internal:8080/@evil.example:81/x', ''],
  ['doubled slashes stay on the upstream\'s origin', WITHOUT_PATH, '/evil.example/x', '/api/orders//evil.example/x', 'http://orders.internal:8080//evil.example/x', ''],
  ['dots inside a segment are no dot segment', WITH_PATH, '.../a..b/.x', '/api/orders/.../a..b/.x', 'http://orders.internal:8080/v1/.../a..b/.x', '']
]

for (const [name, base, wildcard, rawUrl, url, query] of ACCEPTED) {
  t.test(name, async (t) => {
    t.same(upstreamTarget(base, wildcard, rawUrl), { url, query })
  })
}

// [case, wildcard, raw request URL]
const REFUSED: Array<[string, string | undefined, string]> = [
  ['a dot-dot segment', '../admin', '/api/orders/../admin'],
  ['a dot segment', 'a/./b', '/api/orders/a/./b'],
  ['a dot-dot segment spelled with escapes', 'a/../admin', '/api/orders/a/%2e%2E/admin'],
  ['an encoded slash', 'a/b', '/api/orders/a%2fb'],
  ['an encoded slash hiding a dot-dot segment', 'a/../admin', '/api/orders/a%2F..%2Fadmin'],
  ['an encoded backslash', 'a\\b', '/api/orders/a%5Cb'],
  ['a raw backslash', 'a\\..\\b', '/api/orders/a\\..\\b'],
  ['a broken escape in the query', 'x', '/api/orders/x?x=%'],
  ['a truncated UTF-8 escape in the query', 'x', '/api/orders/x?q=%E0%A4%A']
]

for (const [name, wildcard, rawUrl] of REFUSED) {
  t.test(`${name} is refused`, async (t) => {
    t.throws(() => upstreamTarget(WITH_PATH, wildcard, rawUrl), { name: 'GatewayError', code: 'invalid_request', statusCode: 400 })
  })
}
