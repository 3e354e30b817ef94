/*
 * What @fastify/session's change detection costs per request: it hashes the
 * whole session (a stable stringify and SHA-256) when it loads it and again
 * before the answer. Measured on a signed-in itsme session of the size the
 * suite's logins produce, with the user hashed whole and as its revision
 * (src/sessions/session-user.ts). Bounded: 7 × 50 000 hashes per case.
 * Run: npm run bench:session-hash
 */
import { createRequire } from 'node:module'
import { sessionUserOf } from '../src/sessions/session-user.js'
import type { SessionUser } from '../src/sessions/types.js'

interface HashingSession { isModified (): boolean }
type SessionClass = new (...args: unknown[]) => HashingSession

const Session = createRequire(import.meta.url)('@fastify/session/lib/session.js') as SessionClass
const ROUNDS = 7
const HASHES_PER_ROUND = 50_000

const jwt = (payloadBytes: number): string => `eyJhbGciOiJSUzI1NiJ9.${Buffer.alloc(payloadBytes, 'a').toString('base64url')}.${Buffer.alloc(256, 'b').toString('base64url')}`
const now = Date.now()
const sub = 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}'
const fields: SessionUser = {
  sub,
  sid: 'sid-1',
  claims: {
    sub,
    name: 'Chris Ricardo',
    given_name: 'Chris',
    family_name: 'Ricardo',
    birthdate: '1965-07-08',
    gender: 'female',
    'https://example.com/nationalnumber': '65070862267',
    'https://example.com/address': { street_address: 'Louizalaan 7', postal_code: '1000', locality: 'Brussel', country: 'BE', formatted: 'Louizalaan 7 1000 Brussel' },
    sid: 'sid-1'
  },
  tokens: { accessToken: jwt(600), idToken: jwt(900), refreshToken: 'r'.repeat(43), accessTokenExpiresAt: now + 3_600_000, scope: 'openid profile email offline_access', generation: 0 },
  signedInAt: now,
  expiresAt: now + 28_800_000
}
const signer = { sign: (value: string) => `${value}.signature`, unsign: () => ({ valid: true, renew: false, value: 'id' }) }

for (const [label, user] of [['the whole user', fields], ['the user as its revision', sessionUserOf(fields)]] as const) {
  const session = new Session({}, { protocol: 'http' }, () => 'id', { path: '/' }, signer, { user, createdAt: now, cookie: {} }, 'id')
  const hashedBytes = JSON.stringify({ ...session, cookie: undefined }).length
  for (let i = 0; i < 20_000; i++) session.isModified()
  const samples: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint()
    for (let i = 0; i < HASHES_PER_ROUND; i++) session.isModified()
    samples.push(Number(process.hrtime.bigint() - started) / HASHES_PER_ROUND / 1000)
  }
  samples.sort((a, b) => a - b)
  const median = samples[Math.floor(ROUNDS / 2)] as number
  console.log(`${label.padEnd(26)} ${String(hashedBytes).padStart(5)} B hashed: ${median.toFixed(2)} µs per hash, ${(2 * median).toFixed(1)} µs per request (two hashes)`)
}
