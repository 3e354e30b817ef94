import t from 'tap'
import { loadConfig } from '../../src/config/index.js'
import { ConfigError } from '../../src/errors.js'
import { renewalTime } from '../../src/sessions/api-tokens.js'

const upstreams = (value: unknown): ReturnType<typeof loadConfig>['upstreams'] => loadConfig({ UPSTREAMS: JSON.stringify(value) }).upstreams

t.test('UPSTREAMS: a service names its own token with an audience or a resource, its scopes, and how it is got', async (t) => {
  const config = upstreams({
    orders: { url: 'http://orders', audience: 'https://orders.example.com', scope: 'orders:read orders:write' },
    hr: { url: 'http://hr', resource: 'https://hr.example.com/api', exchange: true, token: 'access' },
    plain: 'http://plain'
  })
  t.same(config.orders?.apiToken, {
    parameter: 'audience',
    target: 'https://orders.example.com',
    scope: 'orders:read orders:write',
    grant: 'refresh_token',
    key: 'refresh_token audience=https://orders.example.com scope=orders:read orders:write'
  }, 'Auth0 style: the refresh grant with audience and scope')
  t.same(config.hr?.apiToken, {
    parameter: 'resource',
    target: 'https://hr.example.com/api',
    scope: undefined,
    grant: 'token_exchange',
    key: 'token_exchange resource=https://hr.example.com/api scope='
  }, 'RFC 8707 resource, by token exchange, whatever scopes the provider grants')
  t.equal(config.hr?.token, 'access')
  t.equal(config.plain?.apiToken, undefined, 'without either, the session\'s own token')
  t.not(config.orders?.apiToken?.key, upstreams({ orders: { url: 'http://orders', audience: 'https://orders.example.com', scope: 'orders:read' } }).orders?.apiToken?.key,
    'other scopes are other settings: a token kept for the old ones is not sent')
  t.ok(upstreams({ a: { url: 'http://a', audience: 'urn:orders' } }).a?.apiToken, 'an audience need not be a URL')
})

t.test('UPSTREAMS: bad combinations of token settings are one-line ConfigErrors', async (t) => {
  const rows: Array<[name: string, entry: Record<string, unknown>, message: RegExp]> = [
    ['both audience and resource', { audience: 'https://a', resource: 'https://a' }, /^UPSTREAMS\.a has both audience and resource: name the service with one \(audience for Auth0, resource for RFC 8707\)$/],
    ['a scope without a target', { scope: 'orders:read' }, /^UPSTREAMS\.a\.scope needs an audience or a resource to ask the token for$/],
    ['an exchange without a target', { exchange: true }, /^UPSTREAMS\.a\.exchange needs an audience or a resource/],
    ['the ID token with an audience', { audience: 'https://a', token: 'id' }, /^UPSTREAMS\.a\.token must be access with an audience or resource: the service's own token is an access token$/],
    ['no token with a resource', { resource: 'https://a', token: 'none' }, /^UPSTREAMS\.a\.token must be access with an audience or resource/],
    ['a relative resource', { resource: '/orders' }, /^UPSTREAMS\.a\.resource must be an absolute URI without a fragment/],
    ['a resource with a fragment', { resource: 'https://a/#x' }, /^UPSTREAMS\.a\.resource must be an absolute URI without a fragment/],
    ['a resource with an empty fragment', { resource: 'https://a/#' }, /^UPSTREAMS\.a\.resource must be an absolute URI without a fragment/],
    ['a resource with a space', { resource: 'https://a/ b' }, /^UPSTREAMS\.a\.resource must be an absolute URI/],
    ['an empty audience', { audience: '' }, /^UPSTREAMS\.a\.audience must be the API's identifier/],
    ['an audience with a space', { audience: 'orders api' }, /^UPSTREAMS\.a\.audience must be the API's identifier/],
    ['an audience that is not a string', { audience: ['https://a'] }, /^UPSTREAMS\.a\.audience must be the API's identifier/],
    ['an audience with a control character', { audience: 'https://a\n' }, /^UPSTREAMS\.a\.audience must be the API's identifier/],
    ['a very long audience', { audience: `https://${'a'.repeat(600)}` }, /^UPSTREAMS\.a\.audience must be the API's identifier: up to 512/],
    ['scopes two spaces apart', { audience: 'https://a', scope: 'a  b' }, /^UPSTREAMS\.a\.scope must be scope names separated by single spaces/],
    ['a scope with a quote', { audience: 'https://a', scope: 'a"b' }, /^UPSTREAMS\.a\.scope must be scope names/],
    ['a scope list', { audience: 'https://a', scope: ['a', 'b'] }, /^UPSTREAMS\.a\.scope must be scope names/],
    ['an empty scope', { audience: 'https://a', scope: '' }, /^UPSTREAMS\.a\.scope must be scope names/],
    ['exchange as a string', { audience: 'https://a', exchange: 'yes' }, /^UPSTREAMS\.a\.exchange must be true or false$/]
  ]
  for (const [name, entry, message] of rows) {
    t.throws(() => upstreams({ a: { url: 'http://a', ...entry } }), { name: ConfigError.name, message }, name)
  }
  let message = ''
  try {
    upstreams({ a: { url: 'http://a', audience: 'https://orders.example.com', scope: 'x  secret-looking' } })
  } catch (error) {
    message = (error as Error).message
  }
  t.notOk(message.includes('secret-looking') || message.includes('\n'), 'one line that does not repeat the value')
})

t.test('a service token is renewed ahead of its expiry by the margin, or halfway through a shorter life', async (t) => {
  const now = 1_000_000
  const rows: Array<[name: string, lifetimeSeconds: number, marginSeconds: number, renewAfterSeconds: number]> = [
    ['an hour-long token, a minute ahead', 3600, 60, 3540],
    ['a token that lives exactly twice the margin', 120, 60, 60],
    ['a token shorter than the margin, halfway', 4, 60, 2],
    ['an already expired token, at once', 0, 60, 0]
  ]
  for (const [name, lifetime, margin, renewAfter] of rows) {
    t.equal(renewalTime(now + lifetime * 1000, margin, now), now + renewAfter * 1000, name)
  }
})
