/**
 * The httpd.conf of the mod_auth_openidc peer: Apache httpd 2.4 as its own
 * unprivileged foreground server, everything it writes (pid file, error log,
 * mutexes, runtime files) in one temporary directory, and only the modules
 * it needs. See bench/README.md for why each setting is what it is.
 */
export const APACHE_BIN = '/usr/sbin/apache2'
export const APACHE_MODULES_DIR = '/usr/lib/apache2/modules'
export const OPENIDC_MODULE = `${APACHE_MODULES_DIR}/mod_auth_openidc.so`
export const APACHE_MISSING = `Apache httpd with mod_auth_openidc is not installed (${APACHE_BIN}, ${OPENIDC_MODULE}): apt-get install apache2 libapache2-mod-auth-openidc`

/** The module's default session cookie name (OIDCCookie unset). */
export const APACHE_SESSION_COOKIE = 'mod_auth_openidc_session'
/** OIDCRedirectURI's path: its info hook, `?info=json`, is the peer's /me. */
export const APACHE_REDIRECT_PATH = '/me'
export const APACHE_ME_PATH = '/me?info=json'
/** A protected page: requesting it without a session starts the login, and the login returns to it. */
export const APACHE_LOGIN_PATH = '/login'

/**
 * Worker threads of the one child process: more than the load generator's 50
 * connections. With fewer (4, 16 and 25 tried) the event MPM reaches its
 * connection limit (ThreadsPerChild + AsyncRequestWorkerFactor × idle
 * workers), closes keep-alive connections and accepts new ones only as
 * workers come free: answers waited 1–2 s (p99) and each cost more CPU
 * (bench/apache-settings.ts).
 */
export const APACHE_THREADS = 64

export interface ApacheSettings {
  readonly dir: string
  readonly port: number
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  readonly cryptoPassphrase: string
  /** The gateway's SESSION_IDLE_TIMEOUT and SESSION_MAX_AGE defaults, for the same session lifetime. */
  readonly idleTimeoutSeconds: number
  readonly maxAgeSeconds: number
  readonly logLevel: string
  /** Worker threads of the one child process (APACHE_THREADS unless comparing). */
  readonly threads: number
}

const MODULES: ReadonlyArray<readonly [string, string]> = [
  ['mpm_event_module', 'mod_mpm_event.so'],
  // AuthType.
  ['authn_core_module', 'mod_authn_core.so'],
  // Require.
  ['authz_core_module', 'mod_authz_core.so'],
  // Require valid-user.
  ['authz_user_module', 'mod_authz_user.so'],
  ['auth_openidc_module', 'mod_auth_openidc.so']
]

function quoted (value: string): string {
  if (/["\\\n\r]/.test(value)) throw new Error(`not a safe Apache config value: ${value}`)
  return `"${value}"`
}

export function apacheConfig (s: ApacheSettings): string {
  const origin = `http://127.0.0.1:${s.port}`
  const threads = s.threads
  return [
    `ServerRoot ${quoted(s.dir)}`,
    `DefaultRuntimeDir ${quoted(s.dir)}`,
    `PidFile ${quoted(`${s.dir}/httpd.pid`)}`,
    `ErrorLog ${quoted(`${s.dir}/error.log`)}`,
    `LogLevel ${s.logLevel}`,
    `Mutex ${quoted(`file:${s.dir}`)} default`,
    ...MODULES.map(([name, file]) => `LoadModule ${name} ${quoted(`${APACHE_MODULES_DIR}/${file}`)}`),
    '',
    `Listen 127.0.0.1:${s.port}`,
    `ServerName ${quoted(`127.0.0.1:${s.port}`)}`,
    `DocumentRoot ${quoted(`${s.dir}/htdocs`)}`,
    // One child process with a fixed set of threads: the process the suite measures.
    'StartServers 1',
    'ServerLimit 1',
    `ThreadLimit ${threads}`,
    `ThreadsPerChild ${threads}`,
    `MaxRequestWorkers ${threads}`,
    // Never more than one child to start, and never one to stop for being idle.
    'MinSpareThreads 1',
    `MaxSpareThreads ${threads + 1}`,
    'MaxConnectionsPerChild 0',
    // Keep-alive without a request limit per connection, as Node's HTTP server.
    'KeepAlive On',
    'MaxKeepAliveRequests 0',
    'KeepAliveTimeout 72',
    'Timeout 10',
    // No access log, as the gateway logs nothing per request at its bench log level.
    '',
    `OIDCProviderMetadataURL ${quoted(`${s.issuer}/.well-known/openid-configuration`)}`,
    `OIDCClientID ${quoted(s.clientId)}`,
    `OIDCClientSecret ${quoted(s.clientSecret)}`,
    'OIDCProviderTokenEndpointAuth client_secret_post',
    `OIDCRedirectURI ${quoted(`${origin}${APACHE_REDIRECT_PATH}`)}`,
    `OIDCCryptoPassphrase ${quoted(s.cryptoPassphrase)}`,
    'OIDCScope "openid profile email offline_access"',
    'OIDCPKCEMethod S256',
    // Sessions server-side in the module's shared-memory cache: the browser holds only the session id.
    'OIDCCacheType shm',
    'OIDCSessionType server-cache',
    `OIDCSessionInactivityTimeout ${s.idleTimeoutSeconds}`,
    `OIDCSessionMaxDuration ${s.maxAgeSeconds}`,
    // /me answers from the session alone: the ID token's claims and the session's two expiries.
    'OIDCInfoHook id_token exp timeout',
    // Nothing proxied behind it: no claims copied into headers or environment on each request.
    'OIDCPassClaimsAs none',
    // The default (claims) parses both claim sets on every request to pass them even when nothing
    // is passed; as a string they are not parsed: 186–191 → 164–167 µs of CPU per /me.
    'OIDCPassIDTokenAs payload',
    'OIDCPassUserInfoAs json',
    '',
    `<Location ${quoted(APACHE_LOGIN_PATH)}>`,
    '  AuthType openid-connect',
    '  Require valid-user',
    '</Location>',
    `<Location ${quoted(APACHE_REDIRECT_PATH)}>`,
    '  AuthType openid-connect',
    '  Require valid-user',
    '</Location>',
    ''
  ].join('\n')
}
