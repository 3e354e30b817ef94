import t from 'tap'
import { Signer } from '@fastify/cookie'
import { SessionCookieSigner } from '../../src/sessions/cookie-signer.js'

const A = 'a'.repeat(40)
const B = 'b'.repeat(40)
const ID = 'pJtsqG6uFWhrPbGQ3yzOHb7yS2iMDEVu'

t.test('signs exactly as @fastify/cookie does, so existing cookies stay valid', async (t) => {
  const ours = new SessionCookieSigner([A])
  const theirs = new Signer([A], 'sha256')
  t.equal(ours.sign(ID), theirs.sign(ID))
  t.same(ours.unsign(theirs.sign(ID)), { valid: true, renew: false, value: ID })
  t.same(theirs.unsign(ours.sign(ID)), { valid: true, renew: false, value: ID })
})

const refused: Array<[string, (signed: string) => string]> = [
  ['a tampered signature', (signed) => `${signed.slice(0, -1)}${signed.endsWith('A') ? 'B' : 'A'}`],
  ['a tampered id', (signed) => `x${signed.slice(1)}`],
  ['no signature', () => ID],
  ['an empty signature', () => `${ID}.`],
  ['an empty id', (signed) => signed.slice(signed.lastIndexOf('.'))],
  ['a signature by another secret', () => new SessionCookieSigner([B]).sign(ID)],
  ['a truncated signature', (signed) => signed.slice(0, -4)]
]
for (const [name, alter] of refused) {
  t.test(`${name} is refused`, async (t) => {
    const signer = new SessionCookieSigner([A])
    t.same(signer.unsign(alter(signer.sign(ID))), { valid: false, renew: false, value: null })
  })
}

t.test('an older secret of the rotation list still verifies, and asks to re-sign', async (t) => {
  const signed = new SessionCookieSigner([B]).sign(ID)
  const rotated = new SessionCookieSigner([A, B])
  t.same(rotated.unsign(signed), { valid: true, renew: true, value: ID })
  t.equal(rotated.sign(ID), new SessionCookieSigner([A]).sign(ID), 'signing uses the first secret')
})
