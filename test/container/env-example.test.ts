import t from 'tap'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadConfig } from '../../src/config/index.js'
import { configEnvNames } from '../helpers/config-env.js'

const root = join(import.meta.dirname, '..', '..')

/** `NAME=value` and `# NAME=value` lines: a setting, set or shown with its default. */
function listedNames (text: string): string[] {
  return [...text.matchAll(/^(?:# ?)?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] as string)
}

t.test('.env.example lists exactly the variables src/config/ reads, each once', async (t) => {
  const text = await readFile(join(root, '.env.example'), 'utf8')
  const listed = listedNames(text)
  const read = await configEnvNames()
  t.ok(read.has('SESSION_SECRET') && read.has('NODE_ENV') && read.has('PORT'), `${read.size} names found in src/config/`)
  t.same([...new Set(listed)].sort(), [...read].sort())
  t.same(listed.filter((name, i) => listed.indexOf(name) !== i), [], 'none twice')
})

t.test('.env.example as it is starts a development gateway, and in production asks for what is missing', async (t) => {
  const text = await readFile(join(root, '.env.example'), 'utf8')
  const env: Record<string, string> = {}
  for (const match of text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)) env[match[1] as string] = match[2] as string
  t.same(Object.keys(env).sort(), ['METRICS_PORT', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ISSUER', 'SESSION_SECRET', 'TRUST_PROXY'], 'only what a deployment must set is uncommented')
  t.ok(loadConfig(env).devIdp, 'empty means unset: the embedded provider')
  t.throws(() => loadConfig({ ...env, NODE_ENV: 'production' }), { name: 'ConfigError', message: /^OIDC_ISSUER is required/ })
  const deployment = { ...env, NODE_ENV: 'production', BASE_URL: 'https://app.example.com', OIDC_ISSUER: 'https://tenant.eu.auth0.com/', OIDC_CLIENT_ID: 'client', OIDC_CLIENT_SECRET: 'secret', SESSION_SECRET: 'k3J9x-Qw7Lp2Zr8Tb5Nc1Vm6Yh4Gd0Fs' }
  t.throws(() => loadConfig(deployment), { name: 'ConfigError', message: /^TRUST_PROXY is required/ }, 'the proxy must be named')
  t.throws(() => loadConfig({ ...deployment, TRUST_PROXY: '10.0.3.7' }), { name: 'ConfigError', message: /^METRICS_PORT or METRICS_TOKEN is required/ }, 'the metrics must be kept from the public')
  t.ok(loadConfig({ ...deployment, TRUST_PROXY: '10.0.3.7', METRICS_PORT: '9464' }).production, 'with both filled in, it starts')
})

t.test('each commented default is what the gateway uses', async (t) => {
  const text = await readFile(join(root, '.env.example'), 'utf8')
  const shown = Object.fromEntries([...text.matchAll(/^# ([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1] as string, match[2] as string]))
  const defaults = loadConfig({})
  const redis = loadConfig({ SESSION_STORE: 'redis' }).session.redis
  const rows: Array<[string, unknown]> = [
    ['PORT', defaults.port],
    ['HOST', defaults.host],
    ['OIDC_SCOPE', defaults.oidc.scope],
    ['OIDC_HTTP_TIMEOUT', defaults.oidc.httpTimeoutSeconds],
    ['OIDC_JWKS_COOLDOWN', defaults.oidc.jwksCooldownSeconds],
    ['TOKEN_REFRESH_MARGIN', defaults.oidc.refreshMarginSeconds],
    ['DEV_IDP_PORT', defaults.devIdp?.port],
    ['SESSION_STORE', defaults.session.store],
    ['SESSION_IDLE_TIMEOUT', defaults.session.idleTimeoutSeconds],
    ['SESSION_MAX_AGE', defaults.session.maxAgeSeconds],
    ['SESSION_MAX_ENTRIES', defaults.session.maxEntries],
    ['REDIS_URL', redis?.url.href.replace(/\/$/, '')],
    ['REDIS_KEY_PREFIX', redis?.keyPrefix],
    ['REDIS_SENTINEL_NAME', redis?.sentinelName],
    ['CLAIMS_TTL', defaults.internalApi.claimsTtlSeconds],
    ['RATE_LIMIT_LOGIN', defaults.rateLimits.login],
    ['RATE_LIMIT_BACKCHANNEL', defaults.rateLimits.backchannelLogout],
    ['RATE_LIMIT_INTERNAL', defaults.rateLimits.internal],
    ['OIDC_LOGOUT_HINT', defaults.oidc.logoutHint],
    ['LOG_LEVEL', defaults.logLevel]
  ]
  for (const [name, value] of rows) t.equal(shown[name], String(value), name)
  const deployment = { NODE_ENV: 'production', BASE_URL: 'https://app.example.com', OIDC_ISSUER: 'https://tenant.eu.auth0.com/', OIDC_CLIENT_ID: 'client', OIDC_CLIENT_SECRET: 'secret', SESSION_SECRET: 'k3J9x-Qw7Lp2Zr8Tb5Nc1Vm6Yh4Gd0Fs', TRUST_PROXY: '10.0.3.7', METRICS_PORT: '9464' }
  for (const [name, value] of Object.entries(shown)) {
    t.doesNotThrow(() => loadConfig({ ...deployment, [name]: value }), `${name}=${value} is a valid value`)
  }
})
