import t from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import { createLocalJWKSet, jwtVerify, SignJWT, importJWK, type JWK } from 'jose'
import { buildTestApp } from '../helpers/inject-app.js'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const env = {
  OIDC_CLIENT_KEY: JSON.stringify({ ...rsa.privateKey.export({ format: 'jwk' }), kid: 'sig-2026' }),
  OIDC_ENCRYPTION_KEY: ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
}

t.test('GET /jwks.json publishes the public signing and encryption keys, cacheable, without any private member', async (t) => {
  const { app } = await buildTestApp(t, env)
  const res = await app.inject({ method: 'GET', url: '/jwks.json' })
  t.equal(res.statusCode, 200, 'served before the provider is reachable: it needs nothing of it')
  t.match(res.headers['content-type'], /^application\/json/)
  t.equal(res.headers['cache-control'], 'public, max-age=600')
  t.notOk(res.headers['set-cookie'], 'no session for it')
  const { keys } = res.json() as { keys: JWK[] }
  t.equal(keys.length, 2)
  t.match(keys[0], { kty: 'RSA', kid: 'sig-2026', use: 'sig', alg: 'RS256' })
  t.match(keys[1], { kty: 'EC', crv: 'P-256', use: 'enc', alg: 'ECDH-ES' })
  t.match(keys[1]?.kid, /^[\w-]{43}$/, 'a derived kid: the key\'s thumbprint')
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) t.notMatch(res.body, new RegExp(`"${member}"`), `no "${member}"`)

  // What the published key verifies is what the private key signed.
  const signed = await new SignJWT({ ok: true }).setProtectedHeader({ alg: 'RS256', kid: 'sig-2026' })
    .sign(await importJWK(rsa.privateKey.export({ format: 'jwk' }) as JWK, 'RS256'))
  t.same((await jwtVerify(signed, createLocalJWKSet({ keys }))).payload, { ok: true })
  t.equal((await app.inject({ method: 'GET', url: '/jwks.json' })).body, res.body, 'the same answer every time')
})

t.test('GET /jwks.json without keys of the gateway\'s own is a 404 JSON error', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/jwks.json' })
  t.equal(res.statusCode, 404)
  t.same(res.json(), { error: 'not_found', message: 'This gateway has no keys of its own (OIDC_CLIENT_KEY, OIDC_ENCRYPTION_KEY)' })
  t.equal((await app.inject({ method: 'POST', url: '/jwks.json' })).statusCode, 404, 'GET only')
})
