import t from 'tap'
import { loadConfig } from '../../src/config/index.js'
import { ConfigError } from '../../src/errors.js'

const AUTH0 = { OIDC_ISSUER: 'https://tenant.eu.auth0.com/', OIDC_CLIENT_ID: 'client', OIDC_CLIENT_SECRET: 'shh-very-secret-value' }

function options (value: unknown): Array<Record<string, unknown>> {
  return loadConfig({ ...AUTH0, EID_CONNECTIONS: JSON.stringify(value) }).eids.map((option) => ({ ...option }))
}

t.test('EID_CONNECTIONS: an Auth0 connection name, or an object per eID option', async (t) => {
  const rows: Array<[name: string, value: unknown, expected: Record<string, unknown>]> = [
    ['the short form is an Auth0 connection, and the name is the eID', { itsme: 'criipto-itsme' },
      { name: 'itsme', eid: 'itsme', connection: 'criipto-itsme', acrValues: [], connectionAcr: undefined, loginHint: undefined, level: undefined }],
    ['a connection bound to an acr value asks for its level', { 'itsme-high': { connection: 'criipto-itsme-advanced', acr: 'urn:grn:authn:itsme:advanced' } },
      { name: 'itsme-high', eid: 'itsme', connection: 'criipto-itsme-advanced', acrValues: [], connectionAcr: 'urn:grn:authn:itsme:advanced', level: 'high' }],
    ['a connection that passes acr_values on sends them', { itsme: { connection: 'criipto-itsme', acr_values: 'urn:grn:authn:itsme:basic' } },
      { name: 'itsme', eid: 'itsme', connection: 'criipto-itsme', acrValues: ['urn:grn:authn:itsme:basic'], connectionAcr: undefined, level: 'substantial' }],
    ['Idura as the issuer: acr_values and a login_hint prefix', { 'nobankid-high': { acr_values: 'urn:grn:authn:no:bankid:high', login_hint: 'BID' } },
      { name: 'nobankid-high', eid: 'nobankid', connection: undefined, acrValues: ['urn:grn:authn:no:bankid:high'], loginHint: 'BID', level: 'high' }],
    ['several acr values ask for the lowest of them', { mitid: { acr_values: 'urn:grn:authn:dk:mitid:high urn:grn:authn:dk:mitid:low' } },
      { eid: 'dkmitid', acrValues: ['urn:grn:authn:dk:mitid:high', 'urn:grn:authn:dk:mitid:low'], level: 'low' }],
    ['an acr value the table does not list asks for no level', { business: { acr_values: 'urn:grn:authn:dk:mitid:business' } }, { eid: 'dkmitid', level: undefined }],
    ['the eID may be named', { corporate: { connection: 'corp-bankid', eid: 'nobankid' } }, { eid: 'nobankid', connection: 'corp-bankid', level: undefined }],
    ['acr values of another broker keep the option\'s name as its eID', { vipps: { acr_values: 'urn:grn:authn:no:vipps' } }, { eid: 'vipps', level: undefined }]
  ]
  for (const [name, value, expected] of rows) t.match(options(value)[0], expected, name)
  t.same(options({ b: 'x', a: 'y' }).map((option) => option.name), ['b', 'a'], 'in the order configured')
  t.same(loadConfig({ ...AUTH0, EID_CONNECTIONS: '{"itsme":"criipto-itsme","mitid":{"acr_values":"urn:grn:authn:dk:mitid:high"},"itsme-high":{"connection":"c2","acr":"urn:grn:authn:itsme:advanced"}}' }).oidc.eidConnections,
    { itsme: 'criipto-itsme', 'itsme-high': 'c2' }, 'the Auth0 connections by option name, as before')
  t.same(loadConfig(AUTH0).eids, [], 'unset: no options')
})

t.test('EID_CONNECTIONS refuses what it cannot use, in one line naming the entry', async (t) => {
  const rows: Array<[name: string, value: string, message: RegExp]> = [
    ['a number', '{"itsme":42}', /^EID_CONNECTIONS values must be Auth0 connection names or objects with connection, acr, acr_values, login_hint, eid \(itsme\)$/],
    ['a list', '{"itsme":["a"]}', /^EID_CONNECTIONS values must be/],
    ['an unknown option', '{"itsme":{"connection":"c","level":"high"}}', /^EID_CONNECTIONS\.itsme has an unknown option "level" \(known: connection, acr, acr_values, login_hint, eid\)$/],
    ['neither a connection nor acr_values', '{"itsme":{"login_hint":"x"}}', /^EID_CONNECTIONS values must be .*: EID_CONNECTIONS\.itsme needs a connection or acr_values$/],
    ['acr without a connection', '{"itsme":{"acr":"urn:grn:authn:itsme:advanced","acr_values":"urn:grn:authn:itsme:basic"}}', /^EID_CONNECTIONS\.itsme\.acr is the acr value an Auth0 connection is bound to/],
    ['acr and acr_values together', '{"itsme":{"connection":"c","acr":"urn:grn:authn:itsme:advanced","acr_values":"urn:grn:authn:itsme:basic"}}', /^EID_CONNECTIONS\.itsme takes acr .* or acr_values .*, not both$/],
    ['an empty connection', '{"itsme":{"connection":" "}}', /^EID_CONNECTIONS\.itsme\.connection must be a non-empty Auth0 connection name$/],
    ['a connection with a space', '{"itsme":{"connection":"a b"}}', /^EID_CONNECTIONS\.itsme\.connection must be/],
    ['acr_values not a string', '{"itsme":{"acr_values":["urn:grn:authn:itsme:basic"]}}', /^EID_CONNECTIONS\.itsme\.acr_values must be 1 to 8 space-separated acr values/],
    ['acr_values with a quote (it goes into WWW-Authenticate)', '{"itsme":{"acr_values":"urn:grn:\\"x"}}', /^EID_CONNECTIONS\.itsme\.acr_values must be/],
    ['acr_values twice the same', '{"itsme":{"acr_values":"a a"}}', /^EID_CONNECTIONS\.itsme\.acr_values must be 1 to 8 space-separated acr values, each once/],
    ['a control character in login_hint', '{"x":{"acr_values":"a","login_hint":"B\\u0007ID"}}', /^EID_CONNECTIONS\.x\.login_hint must be 1 to 128 printable characters$/],
    ['an eID that is not its acr values\'', '{"x":{"acr_values":"urn:grn:authn:itsme:basic","eid":"dkmitid"}}', /^EID_CONNECTIONS\.x\.eid is dkmitid, but its acr values are itsme's$/],
    ['an eID name that is not short', '{"x":{"connection":"c","eid":"It Sme"}}', /^EID_CONNECTIONS\.x\.eid must be a short lower-case eID name/],
    ['a key that is not a short name', '{"It Sme!":"x"}', /^EID_CONNECTIONS keys must be/]
  ]
  for (const [name, value, message] of rows) {
    t.throws(() => loadConfig({ ...AUTH0, EID_CONNECTIONS: value }), { name: ConfigError.name, message }, name)
  }
  const message = (() => {
    try {
      loadConfig({ ...AUTH0, EID_CONNECTIONS: '{"itsme":{"connection":"a b c shh","acr":"x"}}' })
    } catch (error) {
      return (error as Error).message
    }
    return ''
  })()
  t.match(message, /^EID_CONNECTIONS\.itsme\.connection must be/, 'refused')
  t.notOk(message.includes('shh'), 'without repeating the value')
})

t.test('UPSTREAMS: the least level and the longest time since the person authenticated', async (t) => {
  const { upstreams } = loadConfig({ ...AUTH0, UPSTREAMS: '{"orders":"http://a","pay":{"url":"http://b","level":"high","maxAge":300},"docs":{"url":"http://c","level":"low"}}' })
  t.match(upstreams.orders, { level: undefined, maxAgeSeconds: undefined }, 'neither by default')
  t.match(upstreams.pay, { level: 'high', maxAgeSeconds: 300 })
  t.match(upstreams.docs, { level: 'low', maxAgeSeconds: undefined })
  const rows: Array<[name: string, value: string, message: RegExp]> = [
    ['a level that is no eIDAS level', '{"a":{"url":"http://a","level":"advanced"}}', /^UPSTREAMS\.a\.level must be one of low, substantial, high$/],
    ['a level in upper case', '{"a":{"url":"http://a","level":"HIGH"}}', /^UPSTREAMS\.a\.level must be one of/],
    ['maxAge 0', '{"a":{"url":"http://a","maxAge":0}}', /^UPSTREAMS\.a\.maxAge must be a whole number of seconds above 0 and at most 31536000$/],
    ['maxAge as a string', '{"a":{"url":"http://a","maxAge":"300"}}', /^UPSTREAMS\.a\.maxAge must be a whole number/],
    ['maxAge with a fraction', '{"a":{"url":"http://a","maxAge":1.5}}', /^UPSTREAMS\.a\.maxAge must be a whole number/],
    ['maxAge beyond a year', '{"a":{"url":"http://a","maxAge":31536001}}', /^UPSTREAMS\.a\.maxAge must be a whole number/],
    ['minLevel is not its name', '{"a":{"url":"http://a","minLevel":"high"}}', /^UPSTREAMS\.a has an unknown option "minLevel" \(known: url, timeout, token, level, maxAge, audience, resource, scope, exchange\)$/]
  ]
  for (const [name, value, message] of rows) {
    t.throws(() => loadConfig({ ...AUTH0, UPSTREAMS: value }), { name: ConfigError.name, message }, name)
  }
})
