import t from 'tap'
import { createHmac } from 'node:crypto'
import { Signer } from '@fastify/cookie'
import { HandoffSigner } from '../../src/sessions/cookie-signatures.js'

const A = 'a'.repeat(40)
const B = 'b'.repeat(40)
const ID = 'pJtsqG6uFWhrPbGQ3yzOHb7yS2iMDEVu'

const signerOf = (...secrets: string[]): HandoffSigner => new HandoffSigner(new Signer(secrets, 'sha256'))

t.test('the cookie is `<id>.<HMAC-SHA256 of the id, base64 without padding>`, the format cookies had before', async (t) => {
  const mac = createHmac('sha256', A).update(ID).digest('base64').replace(/=+$/, '')
  t.equal(signerOf(A).sign(ID), `${ID}.${mac}`)
  t.same(signerOf(A).verify(`${ID}.${mac}`), { valid: true, renew: false, value: ID })
})

const refused: Array<[string, (signed: string) => string]> = [
  ['a tampered signature', (signed) => `${signed.slice(0, -1)}${signed.endsWith('A') ? 'B' : 'A'}`],
  ['a tampered id', (signed) => `x${signed.slice(1)}`],
  ['no signature', () => ID],
  ['an empty signature', () => `${ID}.`],
  ['an empty id', (signed) => signed.slice(signed.lastIndexOf('.'))],
  ['a signature by another secret', () => signerOf(B).sign(ID)],
  ['a truncated signature', (signed) => signed.slice(0, -4)]
]
for (const [name, alter] of refused) {
  t.test(`${name} is refused`, async (t) => {
    const signer = signerOf(A)
    const forged = alter(signer.sign(ID))
    t.equal(signer.verify(forged).valid, false)
    t.equal(signer.unsign(forged).valid, false, 'by the library\'s check too')
  })
}

t.test('an older secret of the rotation list still verifies, and asks to re-sign', async (t) => {
  const signed = signerOf(B).sign(ID)
  const rotated = signerOf(A, B)
  t.same(rotated.verify(signed), { valid: true, renew: true, value: ID })
  t.equal(rotated.sign(ID), signerOf(A).sign(ID), 'signing uses the first secret')
})

t.test('what the loader verified is answered once more without an HMAC; anything else is computed', async (t) => {
  const signer = signerOf(A)
  const signed = signer.sign(ID)
  // Counts HMACs through the underlying signer.
  const inner = new Signer([A], 'sha256')
  let hmacs = 0
  const counting = new HandoffSigner({
    sign: (value) => { hmacs++; return inner.sign(value) },
    unsign: (value) => { hmacs++; return inner.unsign(value) }
  })
  const result = counting.verify(signed)
  counting.handOff(signed, result)
  t.same(counting.unsign(signed), { valid: true, renew: false, value: ID }, 'the library\'s check of the same cookie')
  t.equal(counting.sign(ID), signed, 'the library\'s signing of the same id')
  t.equal(hmacs, 1, 'one HMAC for the request')
  t.equal(counting.sign(ID), signed, 'a second signing computes again')
  t.equal(hmacs, 2)
  counting.handOff(signed, result)
  t.not(counting.sign('another-id'), signed, 'a handoff answers for its own id only')
  t.equal(counting.unsign(`${ID}.forged`).valid, false, 'and for its own cookie only')
})
