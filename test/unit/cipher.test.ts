import t from 'tap'
import { SessionCipher } from '../../src/sessions/cipher.js'
import { keyedHash } from '../../src/security/keyed-hash.js'

const A = 'a'.repeat(40)
const B = 'b'.repeat(40)
const data = { user: { sub: 'oidc|itsme|{x}', nationalNumber: '65070862267' } }

t.test('what is encrypted decrypts with the same secret and session id', async (t) => {
  const cipher = new SessionCipher([A])
  const blob = cipher.encrypt('id-1', data)
  t.notOk(blob.includes('65070862267') || Buffer.from(blob, 'base64url').toString('latin1').includes('65070862267'), 'no plaintext')
  t.same(cipher.decrypt('id-1', blob), data)
  t.not(cipher.encrypt('id-1', data), blob, 'a fresh IV every time')
})

const refused: Array<[string, (blob: string) => [string, string], SessionCipher]> = [
  ['a blob moved to another session id does not decrypt', (blob) => ['id-2', blob], new SessionCipher([A])],
  ['a flipped byte does not decrypt', (blob) => {
    const raw = Buffer.from(blob, 'base64url')
    raw[20] = (raw[20] as number) ^ 1
    return ['id-1', raw.toString('base64url')]
  }, new SessionCipher([A])],
  ['a truncated blob does not decrypt', (blob) => ['id-1', blob.slice(0, 20)], new SessionCipher([A])],
  ['garbage does not decrypt', () => ['id-1', 'not base64 at all!'], new SessionCipher([A])],
  ['another secret does not decrypt', (blob) => ['id-1', blob], new SessionCipher([B])]
]
for (const [name, alter, reader] of refused) {
  t.test(name, async (t) => {
    const [id, blob] = alter(new SessionCipher([A]).encrypt('id-1', data))
    t.equal(reader.decrypt(id, blob), undefined)
  })
}

t.test('rotation: the new first secret encrypts, the old one still decrypts', async (t) => {
  const old = new SessionCipher([A])
  const rotated = new SessionCipher([B, A])
  t.same(rotated.decrypt('id-1', old.encrypt('id-1', data)), data)
  t.equal(old.decrypt('id-1', rotated.encrypt('id-1', data)), undefined, 'new blobs use the new key')
})

t.test('index names are keyed hashes, stable for one secret and one purpose', async (t) => {
  const names = keyedHash([A], 'index-names')
  t.equal(names.current('oidc|itsme|{x}'), names.current('oidc|itsme|{x}'))
  t.not(names.current('oidc|itsme|{x}'), keyedHash([B], 'index-names').current('oidc|itsme|{x}'), 'another secret, another name')
  t.not(names.current('oidc|itsme|{x}'), keyedHash([A], 'session-keys').current('oidc|itsme|{x}'), 'another purpose, another name')
  t.notMatch(names.current('oidc|itsme|{x}'), /itsme/)
})

t.test('after a rotation the old index names are still looked up', async (t) => {
  const rotated = keyedHash([B, A], 'index-names')
  const names = rotated.all('sid-1')
  t.equal(names.length, 2)
  t.equal(names[0], rotated.current('sid-1'))
  t.equal(names[1], keyedHash([A], 'index-names').current('sid-1'))
})
