import t from 'tap'
import { loadConfig, type Env } from '../../src/config/index.js'
import { ConfigError } from '../../src/errors.js'

const SECRET = 'a'.repeat(32)
const STRONG_SECRET = 'k3J9vQ2xL7pW4mZ8rT1yB6nH0cF5dG-_sA'
const AUTH0: Env = {
  OIDC_ISSUER: 'https://tenant.eu.auth0.com/',
  OIDC_CLIENT_ID: 'client',
  OIDC_CLIENT_SECRET: 'shh-very-secret-value'
}
/** A complete production configuration, each row taking one piece away. */
const PRODUCTION: Env = {
  ...AUTH0,
  NODE_ENV: 'production',
  BASE_URL: 'https://bff.example.com',
  SESSION_SECRET: STRONG_SECRET,
  TRUST_PROXY: '10.0.0.0/8',
  METRICS_PORT: '9464'
}

t.test('Redis Sentinel and Cluster nodes are read as host:port lists', async (t) => {
  const sentinel = loadConfig({ SESSION_STORE: 'redis', REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b:26380,[::1]:26381', REDIS_SENTINEL_NAME: 'sessions' }).session.redis
  t.same(sentinel?.sentinels, [{ host: '10.0.0.1', port: 26379 }, { host: 'sentinel-b', port: 26380 }, { host: '::1', port: 26381 }])
  t.equal(sentinel?.sentinelName, 'sessions')
  t.equal(sentinel?.clusterNodes, undefined)
  const cluster = loadConfig({ SESSION_STORE: 'redis', REDIS_CLUSTER_NODES: 'node-1:6379' }).session.redis
  t.same(cluster?.clusterNodes, [{ host: 'node-1', port: 6379 }])
  t.equal(cluster?.sentinelName, 'mymaster', 'the default name')
  t.equal(loadConfig({}).oidc.refreshMarginSeconds, 60)
})

t.test('the Redis settings are one object with SESSION_STORE=redis, and none with the memory store', async (t) => {
  const redis = loadConfig({ SESSION_STORE: 'redis', REDIS_URL: 'rediss://user:pw@cache.internal:6380/2', REDIS_KEY_PREFIX: 'app-a:', REDIS_SENTINEL_PASSWORD: 'sentinel-pw' }).session.redis
  t.equal(redis?.url.href, 'rediss://user:pw@cache.internal:6380/2')
  t.same({ ...redis, url: undefined }, { url: undefined, keyPrefix: 'app-a:', sentinels: undefined, sentinelName: 'mymaster', sentinelPassword: 'sentinel-pw', clusterNodes: undefined })
  t.equal(loadConfig({ SESSION_STORE: 'redis' }).session.redis?.url.href, 'redis://127.0.0.1:6379', 'the local Redis by default')
  t.equal(loadConfig({}).session.redis, undefined, 'the memory store needs no connection')
  t.equal(loadConfig({ REDIS_URL: 'redis://cache.internal:6379' }).session.redis, undefined, 'REDIS_URL alone does not choose Redis')
})

t.test('defaults follow the contract', async (t) => {
  const config = loadConfig({})
  t.equal(config.port, 3000)
  t.equal(config.host, '127.0.0.1')
  t.equal(config.baseUrl.href, 'http://localhost:3000/')
  t.equal(config.oidc.issuer, undefined, 'no issuer: the embedded provider')
  t.same(config.devIdp, { port: 3001 })
  t.equal(config.oidc.redirectUri, 'http://localhost:3000/callback')
  t.equal(config.oidc.scope, 'openid profile email offline_access')
  t.equal(config.session.store, 'memory')
  t.equal(config.session.idleTimeoutSeconds, 1800)
  t.equal(config.session.maxAgeSeconds, 28800)
  t.equal(config.session.cookieName, 'bff')
  t.equal(config.session.secureCookie, false)
  t.equal(config.session.secretGenerated, true)
  t.equal(config.logLevel, 'info')
  t.same(config.oidc.eidConnections, { itsme: 'itsme', 'itsme-advanced': 'itsme' }, 'the embedded provider\'s itsme connection, for both itsme levels')
  t.same(config.eids.map((option) => [option.name, option.eid, option.level]), [['itsme', 'itsme', 'substantial'], ['itsme-advanced', 'itsme', 'high']])
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.oidc), 'frozen')
})

t.test('an https BASE_URL gives a Secure __Host- cookie', async (t) => {
  const config = loadConfig({ ...AUTH0, BASE_URL: 'https://app.example.com', SESSION_SECRET: SECRET })
  t.equal(config.session.cookieName, '__Host-bff')
  t.equal(config.session.secureCookie, true)
  t.equal(config.oidc.redirectUri, 'https://app.example.com/callback')
  t.equal(config.devIdp, undefined)
  t.equal(config.trustProxy, 'loopback', 'outside production only a proxy on this host is believed')
})

t.test('TRUST_PROXY takes Fastify\'s forms', async (t) => {
  t.equal(loadConfig({}).trustProxy, false, 'plain http: no proxy is believed')
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, '10.0.0.0/8, 127.0.0.1')
})

t.test('TRUST_PROXY: never every private range by default; production with TLS at a proxy names that proxy', async (t) => {
  const rows: Array<[name: string, env: Env, expected: boolean | string]> = [
    ['an https BASE_URL outside production: loopback only', { BASE_URL: 'https://app.example.com' }, 'loopback'],
    ['plain http outside production: nobody', { BASE_URL: 'http://localhost:3000' }, false],
    ['production with the proxy\'s range', PRODUCTION, '10.0.0.0/8'],
    ['production with the proxy\'s address', { ...PRODUCTION, TRUST_PROXY: '10.1.2.3' }, '10.1.2.3'],
    ['production with no proxy in front, said so', { ...PRODUCTION, TRUST_PROXY: 'false' }, false],
    ['production on a loopback http BASE_URL: nobody, nothing to ask', { ...PRODUCTION, BASE_URL: 'http://127.0.0.1:3000', TRUST_PROXY: undefined }, false]
  ]
  for (const [name, env, expected] of rows) t.equal(loadConfig(env).trustProxy, expected, name)
})

t.test('METRICS_PORT: /metrics on a listener of its own, on HOST unless METRICS_HOST says otherwise', async (t) => {
  const rows: Array<[name: string, env: Env, expected: unknown]> = [
    ['unset: /metrics stays on the main listener', {}, undefined],
    ['a port: on HOST', { METRICS_PORT: '9464' }, { port: 9464, host: '127.0.0.1' }],
    ['a port and HOST: on HOST', { HOST: '0.0.0.0', METRICS_PORT: '9464' }, { port: 9464, host: '0.0.0.0' }],
    ['a port and METRICS_HOST: on that host', { HOST: '0.0.0.0', METRICS_PORT: '9464', METRICS_HOST: '10.0.0.7' }, { port: 9464, host: '10.0.0.7' }],
    ['production with METRICS_PORT', PRODUCTION, { port: 9464, host: '127.0.0.1' }]
  ]
  for (const [name, env, expected] of rows) t.same(loadConfig(env).metricsListener, expected, name)
  const tokenOnly = loadConfig({ ...PRODUCTION, METRICS_PORT: undefined, METRICS_TOKEN: 'metrics-token-0123456789abcdef' })
  t.equal(tokenOnly.metricsListener, undefined, 'production with only METRICS_TOKEN: /metrics on the main listener, behind the token')
  t.equal(tokenOnly.metricsToken, 'metrics-token-0123456789abcdef')
})

t.test('a real provider is read from the OIDC variables', async (t) => {
  const config = loadConfig({
    ...AUTH0,
    OIDC_AUDIENCE: 'https://api.example.com',
    OIDC_ACR_VALUES: 'urn:grn:authn:itsme:advanced',
    EID_CONNECTIONS: '{"itsme":"criipto-itsme"}',
    CLAIMS_NAMESPACE: 'https://example.com/',
    SESSION_SECRET: `${SECRET},${'b'.repeat(40)}`
  })
  t.equal(config.oidc.issuer?.href, 'https://tenant.eu.auth0.com/')
  t.equal(config.oidc.audience, 'https://api.example.com')
  t.equal(config.oidc.acrValues, 'urn:grn:authn:itsme:advanced')
  t.same(config.oidc.eidConnections, { itsme: 'criipto-itsme' })
  t.equal(config.claims.namespace, 'https://example.com', 'trailing slash trimmed')
  t.equal(config.session.secrets.length, 2, 'a comma-separated secret list')
})

const bad: Array<[string, Env, RegExp]> = [
  ['PORT must be a number', { PORT: 'eighty' }, /^PORT must be a port number/],
  ['PORT must be in range', { PORT: '70000' }, /^PORT must be a port number/],
  ['BASE_URL must be absolute', { BASE_URL: '/app' }, /^BASE_URL must be an absolute URL/],
  ['BASE_URL without a scheme is refused', { BASE_URL: 'localhost:3000' }, /^BASE_URL must be an http or https URL/],
  ['BASE_URL must be http(s)', { BASE_URL: 'ftp://example.com' }, /^BASE_URL must be an http or https URL/],
  ['BASE_URL must have no path', { BASE_URL: 'https://example.com/app' }, /^BASE_URL must be an origin only/],
  ['OIDC_ISSUER must be https', { ...AUTH0, OIDC_ISSUER: 'http://tenant.eu.auth0.com/' }, /^OIDC_ISSUER must use https/],
  ['OIDC_ISSUER must parse', { ...AUTH0, OIDC_ISSUER: 'not a url' }, /^OIDC_ISSUER must be an absolute URL/],
  ['OIDC_CLIENT_ID comes with OIDC_ISSUER', { OIDC_ISSUER: 'https://tenant.eu.auth0.com/', OIDC_CLIENT_SECRET: 'x' }, /^OIDC_CLIENT_ID is required/],
  ['OIDC_CLIENT_SECRET comes with OIDC_ISSUER', { OIDC_ISSUER: 'https://tenant.eu.auth0.com/', OIDC_CLIENT_ID: 'x' }, /^OIDC_CLIENT_SECRET is required/],
  ['OIDC_SCOPE needs openid', { OIDC_SCOPE: 'profile email' }, /^OIDC_SCOPE must include openid/],
  ['EID_CONNECTIONS must be JSON', { EID_CONNECTIONS: '{itsme:criipto}' }, /^EID_CONNECTIONS must be a JSON object/],
  ['EID_CONNECTIONS must be an object', { EID_CONNECTIONS: '["itsme"]' }, /^EID_CONNECTIONS must be a JSON object/],
  ['EID_CONNECTIONS values are names', { EID_CONNECTIONS: '{"itsme":42}' }, /^EID_CONNECTIONS values must be/],
  ['EID_CONNECTIONS keys are short names', { EID_CONNECTIONS: '{"It Sme!":"x"}' }, /^EID_CONNECTIONS keys must be/],
  ['SESSION_SECRET must be long', { SESSION_SECRET: 'tooShortSecret' }, /^SESSION_SECRET must be at least 32 characters/],
  ['each rotated SESSION_SECRET must be long', { SESSION_SECRET: `${SECRET},tooShortSecret` }, /^SESSION_SECRET must be at least 32 characters/],
  ['SESSION_STORE is memory or redis', { SESSION_STORE: 'postgres' }, /^SESSION_STORE must be memory or redis/],
  ['REDIS_URL must be redis://', { REDIS_URL: 'http://127.0.0.1:6379' }, /^REDIS_URL must be a redis:\/\//],
  ['REDIS_SENTINELS needs host:port', { REDIS_SENTINELS: '10.0.0.1' }, /^REDIS_SENTINELS must be a comma-separated list of host:port/],
  ['REDIS_CLUSTER_NODES needs real ports', { REDIS_CLUSTER_NODES: '10.0.0.1:6379,10.0.0.2:70000' }, /^REDIS_CLUSTER_NODES must be a comma-separated list/],
  ['Sentinel and Cluster exclude each other', { REDIS_SENTINELS: 'a:26379', REDIS_CLUSTER_NODES: 'b:6379' }, /^REDIS_SENTINELS and REDIS_CLUSTER_NODES exclude each other/],
  ['production refuses a placeholder SESSION_SECRET', { ...AUTH0, NODE_ENV: 'production', SESSION_SECRET: 'change-me-to-something-long-and-random' }, /^SESSION_SECRET looks like a placeholder/],
  ['production refuses a SESSION_SECRET of few distinct characters', { ...AUTH0, NODE_ENV: 'production', SESSION_SECRET: 'ab'.repeat(20) }, /^SESSION_SECRET looks like a placeholder or has too little variety/],
  ['production checks every rotated secret', { ...AUTH0, NODE_ENV: 'production', SESSION_SECRET: `${STRONG_SECRET},${'a'.repeat(40)}` }, /^SESSION_SECRET looks like a placeholder/],
  ['OIDC_JWKS_COOLDOWN is whole seconds', { OIDC_JWKS_COOLDOWN: '0' }, /^OIDC_JWKS_COOLDOWN must be a positive whole number of seconds/],
  ['TOKEN_REFRESH_MARGIN is whole seconds', { TOKEN_REFRESH_MARGIN: '1.5' }, /^TOKEN_REFRESH_MARGIN must be a positive whole number of seconds/],
  ['SESSION_IDLE_TIMEOUT must be whole seconds', { SESSION_IDLE_TIMEOUT: '1.5' }, /^SESSION_IDLE_TIMEOUT must be a positive whole number/],
  ['SESSION_MAX_AGE must be positive', { SESSION_MAX_AGE: '0' }, /^SESSION_MAX_AGE must be a positive whole number/],
  ['the idle timeout fits in the lifetime', { SESSION_IDLE_TIMEOUT: '600', SESSION_MAX_AGE: '300' }, /^SESSION_IDLE_TIMEOUT must not be longer/],
  ['TRUST_PROXY must be addresses', { TRUST_PROXY: 'everyone!' }, /^TRUST_PROXY must be true, false/],
  ['LOG_LEVEL must be a pino level', { LOG_LEVEL: 'verbose' }, /^LOG_LEVEL must be one of/],
  ['production needs a real provider', { NODE_ENV: 'production', SESSION_SECRET: SECRET }, /^OIDC_ISSUER is required when NODE_ENV=production/],
  ['production needs a session secret', { ...AUTH0, NODE_ENV: 'production', BASE_URL: 'https://app.example.com' }, /^SESSION_SECRET is required when NODE_ENV=production/],
  ['production needs https', { ...AUTH0, NODE_ENV: 'production', SESSION_SECRET: SECRET, BASE_URL: 'http://app.example.com' }, /^BASE_URL must use https/],
  ['production with an https BASE_URL needs TRUST_PROXY', { ...PRODUCTION, TRUST_PROXY: undefined }, /^TRUST_PROXY is required when NODE_ENV=production with an https BASE_URL: set it to the address or CIDR range of the proxy that ends TLS/],
  ['a blank TRUST_PROXY counts as unset in production', { ...PRODUCTION, TRUST_PROXY: '  ' }, /^TRUST_PROXY is required when NODE_ENV=production/],
  ['production needs METRICS_PORT or METRICS_TOKEN', { ...PRODUCTION, METRICS_PORT: undefined }, /^METRICS_PORT or METRICS_TOKEN is required when NODE_ENV=production: set METRICS_PORT/],
  ['production on a loopback http BASE_URL still needs METRICS_PORT or METRICS_TOKEN', { ...AUTH0, NODE_ENV: 'production', SESSION_SECRET: STRONG_SECRET }, /^METRICS_PORT or METRICS_TOKEN is required/],
  ['METRICS_PORT must be a port', { METRICS_PORT: 'nine' }, /^METRICS_PORT must be a port number from 1 to 65535/],
  ['METRICS_PORT must not be 0', { METRICS_PORT: '0' }, /^METRICS_PORT must be a port number from 1 to 65535/],
  ['METRICS_PORT must differ from PORT', { PORT: '8080', METRICS_PORT: '8080' }, /^METRICS_PORT must differ from PORT/],
  ['METRICS_HOST needs METRICS_PORT', { METRICS_HOST: '0.0.0.0' }, /^METRICS_HOST needs METRICS_PORT/]
]

for (const [name, env, message] of bad) {
  t.test(name, async (t) => {
    const error = (() => { try { loadConfig(env); return undefined } catch (e) { return e } })()
    t.type(error, ConfigError)
    t.match((error as Error).message, message)
    t.notMatch((error as Error).message, /shh-very-secret-value|tooShortSecret/, 'never echoes a secret')
  })
}

t.test('plain http is fine for a loopback issuer', async (t) => {
  const config = loadConfig({ ...AUTH0, OIDC_ISSUER: 'http://127.0.0.1:4000' })
  t.equal(config.oidc.issuer?.hostname, '127.0.0.1')
})

t.test('UPSTREAMS takes a URL or an object with timeout and token per name', async (t) => {
  t.same(loadConfig({}).upstreams, {}, 'no proxy by default')
  const { upstreams } = loadConfig({
    UPSTREAMS: JSON.stringify({ orders: 'http://orders.internal:8080', 'pay-v2': { url: 'https://pay.internal/v2/', timeout: 2.5, token: 'id' }, public: { url: 'http://10.0.0.9', token: 'none' } })
  })
  t.same(Object.keys(upstreams), ['orders', 'pay-v2', 'public'])
  t.equal(upstreams.orders?.url.href, 'http://orders.internal:8080/')
  t.equal(upstreams.orders?.timeoutSeconds, 10, 'ten seconds by default')
  t.equal(upstreams.orders?.token, 'access', 'the access token by default')
  t.equal(upstreams['pay-v2']?.url.pathname, '/v2/')
  t.equal(upstreams['pay-v2']?.timeoutSeconds, 2.5)
  t.equal(upstreams['pay-v2']?.token, 'id')
  t.equal(upstreams.public?.token, 'none')

  const refused: Array<[string, RegExp]> = [
    ['not json', /UPSTREAMS must be a JSON object/],
    ['["http://a"]', /UPSTREAMS must be a JSON object/],
    ['{"Orders":"http://a"}', /UPSTREAMS keys must be short lower-case names/],
    ['{"../x":"http://a"}', /UPSTREAMS keys must be short lower-case names/],
    ['{"a":"ftp://a"}', /UPSTREAMS\.a must have an absolute http or https url/],
    ['{"a":"/relative"}', /UPSTREAMS\.a must have an absolute http or https url/],
    ['{"a":"http://user:pw@a"}', /without query, fragment or credentials/],
    ['{"a":"http://a/?x=1"}', /without query, fragment or credentials/],
    ['{"a":42}', /UPSTREAMS\.a must be a URL or an object/],
    ['{"a":{"url":"http://a","timeout":0}}', /UPSTREAMS\.a\.timeout must be a number of seconds/],
    ['{"a":{"url":"http://a","timeout":"5"}}', /UPSTREAMS\.a\.timeout must be a number of seconds/],
    ['{"a":{"url":"http://a","timeout":601}}', /UPSTREAMS\.a\.timeout must be a number of seconds/],
    ['{"a":{"url":"http://a","token":"refresh"}}', /UPSTREAMS\.a\.token must be one of access, id, none/],
    ['{"a":{"url":"http://a","rewrite":"/x"}}', /unknown option "rewrite" \(known: url, timeout, token, level, maxAge, audience, resource, scope, exchange\)/]
  ]
  for (const [value, message] of refused) {
    t.throws(() => loadConfig({ UPSTREAMS: value }), { name: ConfigError.name, message }, value)
  }
})

t.test('the service API: on with the embedded provider, off with a real one unless INTERNAL_AUDIENCE is set', async (t) => {
  t.equal(loadConfig({}).internalApi.audience, 'urn:eid-bff:internal', 'the embedded provider mints tokens for it')
  t.equal(loadConfig({}).internalApi.claimsTtlSeconds, 28800, 'claims live as long as a session can')
  t.equal(loadConfig(AUTH0).internalApi.audience, undefined, 'off against a real provider')
  const secret = 'k3J9x-Qw7Lp2Zr8Tb5Nc1Vm6Yh4Gd0Fs'
  const on = loadConfig({ ...AUTH0, SESSION_SECRET: `${secret},${'o'.repeat(40)}`, INTERNAL_AUDIENCE: 'https://bff.example.com/internal', CLAIMS_TTL: '600' }).internalApi
  t.same(on, { audience: 'https://bff.example.com/internal', claimsTtlSeconds: 600, pairwiseSecret: secret }, 'pairwise ids keyed by the first SESSION_SECRET')
  const pairwise = 'p4Ir-w1s3-Z9x8c7v6b5n4m3l2k1j0hgfd'
  t.equal(loadConfig({ ...AUTH0, SESSION_SECRET: secret, PAIRWISE_SECRET: pairwise }).internalApi.pairwiseSecret, pairwise, 'or by PAIRWISE_SECRET')
  t.throws(() => loadConfig({ CLAIMS_TTL: '-1' }), { name: ConfigError.name, message: /CLAIMS_TTL/ })
})

t.test('DEMO: the demo frontend is on outside production, off in production, and either way by choice', async (t) => {
  t.equal(loadConfig({}).demo, true)
  t.equal(loadConfig({ DEMO: 'false' }).demo, false)
  t.equal(loadConfig(PRODUCTION).demo, false)
  t.equal(loadConfig({ ...PRODUCTION, DEMO: 'true' }).demo, true)
  t.throws(() => loadConfig({ DEMO: 'yes' }), { name: ConfigError.name, message: 'DEMO must be true or false' })
})
