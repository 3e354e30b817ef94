import t from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { calculateJwkThumbprint, type JWK } from 'jose'
import { loadConfig, type Env } from '../../src/config/index.js'
import { importClientKeys, publicJwks } from '../../src/oidc/client-keys.js'

const AUTH0: Env = { OIDC_ISSUER: 'https://tenant.eu.auth0.com/', OIDC_CLIENT_ID: 'client', OIDC_CLIENT_SECRET: 'shh-very-secret-value' }

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const rsaPem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
const rsaPkcs1 = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString()
const rsaJwk = rsa.privateKey.export({ format: 'jwk' })
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const ecSec1 = ec.privateKey.export({ format: 'pem', type: 'sec1' }).toString()
const ecJwk = ec.privateKey.export({ format: 'jwk' })
const pem = (key: ReturnType<typeof generateKeyPairSync>['privateKey']): string => key.export({ format: 'pem', type: 'pkcs8' }).toString()

t.test('the client authentication methods, each with what it needs', async (t) => {
  t.equal(loadConfig(AUTH0).oidc.clientAuth, 'client_secret_post', 'the default')
  t.equal(loadConfig({ ...AUTH0, OIDC_CLIENT_AUTH: 'client_secret_basic' }).oidc.clientAuth, 'client_secret_basic')
  const jwt = loadConfig({ ...AUTH0, OIDC_CLIENT_SECRET: '', OIDC_CLIENT_AUTH: 'private_key_jwt', OIDC_CLIENT_KEY: rsaPem }).oidc
  t.equal(jwt.clientAuth, 'private_key_jwt')
  t.equal(jwt.clientSecret, undefined, 'no secret needed')
  t.match(jwt.clientKey, { use: 'sig', alg: 'RS256', kid: undefined })
  t.equal(loadConfig({}).oidc.clientAuth, 'client_secret_post', 'the embedded provider')
})

t.test('signing keys: PEM in each form, one-line PEM and JWK; the algorithm and key id follow from the key', async (t) => {
  const rows: Array<[string, Env, { alg: string, kid?: string }]> = [
    ['PKCS#8 RSA', { OIDC_CLIENT_KEY: rsaPem }, { alg: 'RS256' }],
    ['PKCS#1 RSA', { OIDC_CLIENT_KEY: rsaPkcs1 }, { alg: 'RS256' }],
    ['one-line PEM with \\n', { OIDC_CLIENT_KEY: rsaPem.trim().replace(/\n/g, '\\n') }, { alg: 'RS256' }],
    ['SEC1 EC P-256', { OIDC_CLIENT_KEY: ecSec1 }, { alg: 'ES256' }],
    ['EC P-384', { OIDC_CLIENT_KEY: pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey) }, { alg: 'ES384' }],
    ['Ed25519', { OIDC_CLIENT_KEY: pem(generateKeyPairSync('ed25519').privateKey) }, { alg: 'Ed25519' }],
    ['a JWK', { OIDC_CLIENT_KEY: JSON.stringify(rsaJwk) }, { alg: 'RS256' }],
    ['a JWK choosing PS256, with its own kid', { OIDC_CLIENT_KEY: JSON.stringify({ ...rsaJwk, alg: 'PS256', kid: 'jwk-kid', use: 'sig' }) }, { alg: 'PS256', kid: 'jwk-kid' }],
    ['OIDC_CLIENT_KEY_ID over the JWK\'s kid', { OIDC_CLIENT_KEY: JSON.stringify({ ...rsaJwk, kid: 'jwk-kid' }), OIDC_CLIENT_KEY_ID: 'given-kid' }, { alg: 'RS256', kid: 'given-kid' }]
  ]
  for (const [label, env, expected] of rows) {
    const key = loadConfig({ ...AUTH0, ...env }).oidc.clientKey
    t.match(key, { use: 'sig', alg: expected.alg, kid: expected.kid }, label)
    t.notOk('d' in (key?.publicJwk ?? { d: 1 }), `${label}: the public part has no private member`)
  }
})

t.test('encryption keys: RSA-OAEP-256 for RSA, ECDH-ES for P-256 and X25519, or the JWK\'s own alg', async (t) => {
  const rows: Array<[string, string, string]> = [
    ['RSA', rsaPem, 'RSA-OAEP-256'],
    ['EC P-256', ecSec1, 'ECDH-ES'],
    ['X25519', pem(generateKeyPairSync('x25519').privateKey), 'ECDH-ES'],
    ['a JWK with RSA-OAEP', JSON.stringify({ ...rsaJwk, alg: 'RSA-OAEP', use: 'enc' }), 'RSA-OAEP'],
    ['a JWK with ECDH-ES+A256KW', JSON.stringify({ ...ecJwk, alg: 'ECDH-ES+A256KW' }), 'ECDH-ES+A256KW']
  ]
  for (const [label, value, alg] of rows) {
    t.match(loadConfig({ ...AUTH0, OIDC_ENCRYPTION_KEY: value }).oidc.encryptionKey, { use: 'enc', alg }, label)
  }
})

t.test('keys from files', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-config-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'sig.pem'), rsaPem)
  await writeFile(join(dir, 'enc.json'), JSON.stringify(ecJwk))
  await writeFile(join(dir, 'huge.pem'), 'x'.repeat(70 * 1024))
  const config = loadConfig({ ...AUTH0, OIDC_CLIENT_KEY_FILE: join(dir, 'sig.pem'), OIDC_ENCRYPTION_KEY_FILE: join(dir, 'enc.json'), OIDC_ENCRYPTION_KEY_ID: 'enc-1' }).oidc
  t.match(config.clientKey, { alg: 'RS256' })
  t.match(config.encryptionKey, { alg: 'ECDH-ES', kid: 'enc-1' })
  t.throws(() => loadConfig({ ...AUTH0, OIDC_CLIENT_KEY_FILE: join(dir, 'missing.pem') }), { name: 'ConfigError', message: 'OIDC_CLIENT_KEY_FILE cannot be read (ENOENT)' })
  t.throws(() => loadConfig({ ...AUTH0, OIDC_CLIENT_KEY_FILE: dir }), { name: 'ConfigError', message: 'OIDC_CLIENT_KEY_FILE cannot be read (EISDIR)' })
  t.throws(() => loadConfig({ ...AUTH0, OIDC_ENCRYPTION_KEY_FILE: join(dir, 'huge.pem') }), { name: 'ConfigError', message: /^OIDC_ENCRYPTION_KEY_FILE is larger than a key file can be/ })
  t.throws(() => loadConfig({ ...AUTH0, OIDC_CLIENT_KEY: rsaPem, OIDC_CLIENT_KEY_FILE: join(dir, 'sig.pem') }), { name: 'ConfigError', message: /^OIDC_CLIENT_KEY and OIDC_CLIENT_KEY_FILE exclude each other/ })
})

t.test('PAR, JAR and the organization', async (t) => {
  const defaults = loadConfig(AUTH0).oidc
  t.same([defaults.pushedAuthorizationRequests, defaults.signedRequestObjects, defaults.organization], [false, false, undefined], 'all off by default')
  t.equal(loadConfig({ ...AUTH0, OIDC_PAR: 'true' }).oidc.pushedAuthorizationRequests, true)
  t.equal(loadConfig({ ...AUTH0, OIDC_JAR: 'true', OIDC_CLIENT_KEY: rsaPem }).oidc.signedRequestObjects, true)
  t.equal(loadConfig({ OIDC_PAR: 'true' }).oidc.pushedAuthorizationRequests, true, 'PAR works with the embedded provider')
  for (const organization of ['org_Ab12Cd34', 'acme', 'acme-corp_2', 'a'.repeat(50)]) {
    t.equal(loadConfig({ ...AUTH0, OIDC_ORGANIZATION: organization }).oidc.organization, organization, organization)
  }
})

t.test('each bad setting stops start-up with one line that names it and shows no key', async (t) => {
  const rsa1024 = pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)
  const rows: Array<[string, Env, RegExp]> = [
    ['an unknown method', { OIDC_CLIENT_AUTH: 'client_secret_jwt' }, /^OIDC_CLIENT_AUTH must be one of client_secret_post, client_secret_basic, private_key_jwt$/],
    ['private_key_jwt without a key', { OIDC_CLIENT_AUTH: 'private_key_jwt' }, /^OIDC_CLIENT_AUTH=private_key_jwt needs OIDC_CLIENT_KEY or OIDC_CLIENT_KEY_FILE/],
    ['a secret method without the secret', { OIDC_CLIENT_SECRET: '', OIDC_CLIENT_AUTH: 'client_secret_basic' }, /^OIDC_CLIENT_SECRET is required when OIDC_ISSUER is set \(unless OIDC_CLIENT_AUTH=private_key_jwt\)$/],
    ['not a key', { OIDC_CLIENT_KEY: 'not-a-key' }, /^OIDC_CLIENT_KEY must be a private key in PEM \(PKCS#8, PKCS#1 or SEC1\) or as one JWK$/],
    ['a damaged PEM', { OIDC_CLIENT_KEY: rsaPem.replace(/[A-Za-z]{20}/, 'x') }, /^OIDC_CLIENT_KEY must be a private key/],
    ['a public PEM', { OIDC_CLIENT_KEY: rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString() }, /^OIDC_CLIENT_KEY must be a private key/],
    ['a public JWK', { OIDC_CLIENT_KEY: JSON.stringify({ kty: 'RSA', n: rsaJwk.n, e: rsaJwk.e }) }, /^OIDC_CLIENT_KEY is a public key; the gateway needs the private key/],
    ['a JWK set', { OIDC_CLIENT_KEY: JSON.stringify({ keys: [rsaJwk] }) }, /^OIDC_CLIENT_KEY must be one JWK, not a JWK set$/],
    ['broken JSON', { OIDC_CLIENT_KEY: '{"kty":' }, /^OIDC_CLIENT_KEY must be a private key/],
    ['an encrypted PEM', { OIDC_CLIENT_KEY: rsa.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString() }, /^OIDC_CLIENT_KEY is an encrypted PEM key/],
    ['RSA of 1024 bits', { OIDC_CLIENT_KEY: rsa1024 }, /^OIDC_CLIENT_KEY must be an RSA key of at least 2048 bits$/],
    ['secp256k1', { OIDC_CLIENT_KEY: pem(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey) }, /^OIDC_CLIENT_KEY must be an RSA, EC \(P-256, P-384 or P-521\) or Ed25519 private key to sign with$/],
    ['X25519 cannot sign', { OIDC_CLIENT_KEY: pem(generateKeyPairSync('x25519').privateKey) }, /^OIDC_CLIENT_KEY must be an RSA, EC/],
    ['a JWK for encryption', { OIDC_CLIENT_KEY: JSON.stringify({ ...rsaJwk, use: 'enc' }) }, /^OIDC_CLIENT_KEY is a JWK with "use": "enc"; this key is for "sig"$/],
    ['an alg that does not suit the key', { OIDC_CLIENT_KEY: JSON.stringify({ ...rsaJwk, alg: 'ES256' }) }, /^OIDC_CLIENT_KEY is a JWK whose "alg" does not suit the key; use one of RS256/],
    ['a key id with a space', { OIDC_CLIENT_KEY: rsaPem, OIDC_CLIENT_KEY_ID: 'my key' }, /^OIDC_CLIENT_KEY_ID must be a key id of 1 to 128 printable ASCII characters/],
    ['a JWK kid too long', { OIDC_CLIENT_KEY: JSON.stringify({ ...rsaJwk, kid: 'k'.repeat(129) }) }, /^OIDC_CLIENT_KEY must be a key id/],
    ['a key id without a key', { OIDC_CLIENT_KEY_ID: 'kid-1' }, /^OIDC_CLIENT_KEY_ID needs OIDC_CLIENT_KEY or OIDC_CLIENT_KEY_FILE/],
    ['Ed25519 cannot decrypt', { OIDC_ENCRYPTION_KEY: pem(generateKeyPairSync('ed25519').privateKey) }, /^OIDC_ENCRYPTION_KEY must be an RSA, EC P-256 or X25519 private key to decrypt with$/],
    ['P-384 cannot decrypt here', { OIDC_ENCRYPTION_KEY: pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey) }, /^OIDC_ENCRYPTION_KEY must be an RSA, EC P-256/],
    ['an RS256 JWK for encryption', { OIDC_ENCRYPTION_KEY: JSON.stringify({ ...rsaJwk, alg: 'RS256' }) }, /^OIDC_ENCRYPTION_KEY is a JWK whose "alg" does not suit the key; use one of RSA-OAEP-256/],
    ['an encryption key id without a key', { OIDC_ENCRYPTION_KEY_ID: 'enc-1' }, /^OIDC_ENCRYPTION_KEY_ID needs OIDC_ENCRYPTION_KEY or OIDC_ENCRYPTION_KEY_FILE/],
    ['one key for both uses', { OIDC_CLIENT_KEY: rsaPem, OIDC_ENCRYPTION_KEY: rsaPkcs1 }, /^OIDC_ENCRYPTION_KEY must be another key than OIDC_CLIENT_KEY/],
    ['OIDC_PAR not a boolean', { OIDC_PAR: 'yes' }, /^OIDC_PAR must be true or false$/],
    ['OIDC_JAR not a boolean', { OIDC_JAR: '1' }, /^OIDC_JAR must be true or false$/],
    ['JAR without a key', { OIDC_JAR: 'true' }, /^OIDC_JAR=true needs OIDC_CLIENT_KEY or OIDC_CLIENT_KEY_FILE/],
    ['an organization in upper case', { OIDC_ORGANIZATION: 'Acme' }, /^OIDC_ORGANIZATION must be an Auth0 organization id/],
    ['org_ alone', { OIDC_ORGANIZATION: 'org_' }, /^OIDC_ORGANIZATION must be/],
    ['an organization with a space', { OIDC_ORGANIZATION: 'acme corp' }, /^OIDC_ORGANIZATION must be/],
    ['an organization name too long', { OIDC_ORGANIZATION: 'a'.repeat(51) }, /^OIDC_ORGANIZATION must be/]
  ]
  for (const [label, env, message] of rows) {
    const error = (() => { try { loadConfig({ ...AUTH0, ...env }) } catch (caught) { return caught as Error } })()
    t.equal(error?.name, 'ConfigError', label)
    t.match(error?.message, message, label)
    t.notMatch(error?.message, /\n|BEGIN|MII|[A-Za-z0-9_-]{40}/, `${label}: one line, no key material`)
  }
})

t.test('with the embedded provider, the settings it cannot honour are refused, not left to fail at the first login', async (t) => {
  const rows: Array<[Env, RegExp]> = [
    [{ OIDC_CLIENT_AUTH: 'client_secret_basic' }, /^OIDC_CLIENT_AUTH needs OIDC_ISSUER: the embedded development provider registers the gateway with client_secret_post$/],
    [{ OIDC_CLIENT_AUTH: 'private_key_jwt', OIDC_CLIENT_KEY: rsaPem }, /^OIDC_CLIENT_AUTH needs OIDC_ISSUER/],
    [{ OIDC_JAR: 'true', OIDC_CLIENT_KEY: rsaPem }, /^OIDC_JAR needs OIDC_ISSUER/],
    [{ OIDC_ORGANIZATION: 'org_Ab12' }, /^OIDC_ORGANIZATION needs OIDC_ISSUER/]
  ]
  for (const [env, message] of rows) t.throws(() => loadConfig(env), { name: 'ConfigError', message }, Object.keys(env).join(', '))
})

t.test('the keys import once per configuration; a derived key id is the RFC 7638 thumbprint, and only public members are published', async (t) => {
  const config = loadConfig({ ...AUTH0, OIDC_CLIENT_KEY: rsaPem, OIDC_ENCRYPTION_KEY: ecSec1, OIDC_ENCRYPTION_KEY_ID: 'enc-1' }).oidc
  const keys = await importClientKeys(config)
  t.equal(await importClientKeys(config), keys, 'the same import for the client and the JWKS route')
  t.equal(keys.signing?.kid, await calculateJwkThumbprint({ kty: 'RSA', n: rsaJwk.n, e: rsaJwk.e } as JWK))
  t.equal(keys.signing?.key.extractable, false, 'the private key cannot be exported again')
  t.same(keys.signing?.key.usages, ['sign'])
  t.equal(keys.decryption?.key.algorithm.name, 'ECDH')
  const { keys: published } = await publicJwks(config)
  t.same(published.map((key) => Object.keys(key).sort()), [['alg', 'e', 'kid', 'kty', 'n', 'use'], ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']])
  t.match(published, [{ use: 'sig', alg: 'RS256', n: rsaJwk.n }, { use: 'enc', alg: 'ECDH-ES', kid: 'enc-1', x: ecJwk.x }])
  t.same((await publicJwks(loadConfig(AUTH0).oidc)).keys, [], 'no keys, nothing published')
})
