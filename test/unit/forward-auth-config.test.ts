import t from 'tap'
import { loadConfig } from '../../src/config/index.js'
import { ConfigError } from '../../src/errors.js'

const SECRET = 'k3J9x-Qw7Lp2Zr8Tb5Nc1Vm6Yh4Gd0Fs'
const PRODUCTION = {
  NODE_ENV: 'production',
  BASE_URL: 'https://app.example.com',
  OIDC_ISSUER: 'https://tenant.eu.auth0.com/',
  OIDC_CLIENT_ID: 'client',
  OIDC_CLIENT_SECRET: 'secret',
  TRUST_PROXY: '10.0.0.0/8',
  METRICS_PORT: '9464'
}

t.test('FORWARD_AUTH: off unless set; each prefix a rule, longest first, with minimal defaults', async (t) => {
  t.equal(loadConfig({}).forwardAuth, undefined, 'no forward auth by default')
  const config = loadConfig({
    SESSION_SECRET: SECRET,
    FORWARD_AUTH: JSON.stringify({
      '/': { headers: [] },
      '/app/': {},
      '/hr': { headers: ['user', 'nationalNumber'], subject: 'sub', accessToken: 'authorization', level: 'high' },
      '/app/admin/': false,
      '/reports/': { headers: ['user', 'name'], audience: 'reporting', accessToken: true }
    })
  }).forwardAuth
  t.same(config?.rules.map((rule) => rule.prefix), ['/app/admin', '/app', '/hr', '/reports', '/'], 'deepest prefix first, trailing slashes dropped')
  t.match(config?.rules.find((rule) => rule.prefix === '/app'), { deny: false, headers: ['user'], subject: 'pairwise', audience: '/app', accessToken: 'none', level: undefined }, 'the defaults: a pairwise user id for the prefix, nothing else')
  t.match(config?.rules.find((rule) => rule.prefix === '/hr'), { headers: ['user', 'nationalNumber'], subject: 'sub', accessToken: 'authorization', level: 'high' })
  t.match(config?.rules.find((rule) => rule.prefix === '/reports'), { audience: 'reporting', accessToken: 'header' })
  t.match(config?.rules.find((rule) => rule.prefix === '/app/admin'), { deny: true })
  t.same(config?.rules.find((rule) => rule.prefix === '/')?.headers, [])
  t.equal(config?.pairwiseSecret, SECRET, 'the pairwise ids are keyed from SESSION_SECRET')
  t.ok(Object.isFrozen(config?.rules[0]), 'frozen with the rest of the configuration')
})

t.test('PAIRWISE_SECRET keys the pairwise ids apart from a rotating SESSION_SECRET', async (t) => {
  const pairwise = 'p4Ir-w1s3-Z9x8c7v6b5n4m3l2k1j0hgfd'
  t.equal(loadConfig({ SESSION_SECRET: `${SECRET.split('').reverse().join('')},${SECRET}`, PAIRWISE_SECRET: pairwise, FORWARD_AUTH: '{"/":{}}' }).forwardAuth?.pairwiseSecret, pairwise)
  t.equal(loadConfig({ SESSION_SECRET: `${SECRET},${SECRET.toUpperCase()}`, FORWARD_AUTH: '{"/":{}}' }).forwardAuth?.pairwiseSecret, SECRET, 'else the first secret of the list')
})

t.test('a bad FORWARD_AUTH or PAIRWISE_SECRET stops start-up with one line naming it', async (t) => {
  const refused: Array<[Record<string, string>, RegExp]> = [
    [{ FORWARD_AUTH: 'not json' }, /^FORWARD_AUTH must be a JSON object such as/],
    [{ FORWARD_AUTH: '["/app/"]' }, /^FORWARD_AUTH must be a JSON object/],
    [{ FORWARD_AUTH: '{}' }, /^FORWARD_AUTH must name at least one path prefix/],
    [{ FORWARD_AUTH: '{"app/":{}}' }, /^FORWARD_AUTH keys must be path prefixes such as \/app\//],
    [{ FORWARD_AUTH: '{"/app/../hr/":{}}' }, /^FORWARD_AUTH keys must be path prefixes/],
    [{ FORWARD_AUTH: '{"//hr/":{}}' }, /^FORWARD_AUTH keys must be path prefixes/],
    [{ FORWARD_AUTH: '{"/h%72/":{}}' }, /^FORWARD_AUTH keys must be path prefixes/],
    [{ FORWARD_AUTH: '{"/hr?x=1":{}}' }, /^FORWARD_AUTH keys must be path prefixes/],
    [{ FORWARD_AUTH: '{"/hr/..;/":{}}' }, /^FORWARD_AUTH keys must be path prefixes/],
    [{ FORWARD_AUTH: '{"/hr":{},"/hr/":{}}' }, /^FORWARD_AUTH names the prefix \/hr twice/],
    [{ FORWARD_AUTH: '{"/hr/":true}' }, /^FORWARD_AUTH\["\/hr\/"\] must be an object with headers, subject, audience, accessToken, level, or false/],
    [{ FORWARD_AUTH: '{"/hr/":{"header":["user"]}}' }, /^FORWARD_AUTH\["\/hr\/"\] has an unknown option "header" \(known: headers, subject, audience, accessToken, level\)/],
    [{ FORWARD_AUTH: '{"/hr/":{"headers":"user"}}' }, /^FORWARD_AUTH\["\/hr\/"\]\.headers must be a list, each once, of: user, email, name/],
    [{ FORWARD_AUTH: '{"/hr/":{"headers":["user","sub"]}}' }, /\.headers must be a list/],
    [{ FORWARD_AUTH: '{"/hr/":{"headers":["user","user"]}}' }, /\.headers must be a list, each once/],
    [{ FORWARD_AUTH: '{"/hr/":{"subject":"email"}}' }, /^FORWARD_AUTH\["\/hr\/"\]\.subject must be "pairwise" or "sub"/],
    [{ FORWARD_AUTH: '{"/hr/":{"audience":""}}' }, /\.audience must be 1 to 128 printable ASCII characters/],
    [{ FORWARD_AUTH: '{"/hr/":{"audience":"a b"}}' }, /\.audience must be 1 to 128/],
    [{ FORWARD_AUTH: '{"/hr/":{"accessToken":"id"}}' }, /\.accessToken must be false, true \(X-Auth-Request-Access-Token\) or "authorization"/],
    [{ FORWARD_AUTH: '{"/hr/":{"level":"advanced"}}' }, /\.level must be one of low, substantial, high/],
    [{ PAIRWISE_SECRET: 'too-short' }, /^PAIRWISE_SECRET must be at least 32 characters/],
    [{ ...PRODUCTION, PAIRWISE_SECRET: 'ab'.repeat(20) }, /^PAIRWISE_SECRET has too little variety/]
  ]
  for (const [env, message] of refused) {
    let thrown: unknown
    try {
      loadConfig({ SESSION_SECRET: SECRET, ...env })
    } catch (error) {
      thrown = error
    }
    t.type(thrown, ConfigError, JSON.stringify(env))
    t.match((thrown as Error | undefined)?.message, message, JSON.stringify(env))
    t.notOk((thrown as Error | undefined)?.message.includes('\n'), 'one line')
    t.notOk((thrown as Error | undefined)?.message.includes('ab'.repeat(20)) ?? false, 'never the secret')
  }
})
