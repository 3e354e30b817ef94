import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

const KEY_ID_BYTES = 4
const IV_BYTES = 12
const TAG_BYTES = 16

interface SessionKey { readonly id: Buffer, readonly key: Buffer }

/**
 * Authenticated encryption (AES-256-GCM) of session data at rest, with keys
 * derived from SESSION_SECRET. The first secret encrypts; every secret in the
 * list still decrypts, so a secret can be rotated without ending sessions.
 * The entry's name is bound in as associated data (`context`): a blob copied
 * under another name does not decrypt.
 */
export class SessionCipher {
  readonly #keys: readonly SessionKey[]

  constructor (secrets: readonly string[]) {
    if (secrets.length === 0) throw new TypeError('SessionCipher needs at least one secret')
    this.#keys = secrets.map((secret) => {
      const key = Buffer.from(hkdfSync('sha256', secret, 'eid-bff-gateway', 'session-encryption', 32))
      return {
        key,
        id: createHmac('sha256', key).update('key-id').digest().subarray(0, KEY_ID_BYTES)
      }
    })
  }

  encrypt (context: string, value: unknown): string {
    const { id, key } = this.#keys[0] as SessionKey
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context))
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
    return Buffer.concat([id, iv, body, cipher.getAuthTag()]).toString('base64url')
  }

  /** The value, or undefined when no key of ours made this blob or it was altered. */
  decrypt (context: string, blob: string): unknown {
    const raw = Buffer.from(blob, 'base64url')
    if (raw.length < KEY_ID_BYTES + IV_BYTES + TAG_BYTES) return undefined
    const keyId = raw.subarray(0, KEY_ID_BYTES)
    const entry = this.#keys.find((candidate) => candidate.id.equals(keyId))
    if (entry === undefined) return undefined
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, raw.subarray(KEY_ID_BYTES, KEY_ID_BYTES + IV_BYTES))
        .setAAD(Buffer.from(context))
        .setAuthTag(raw.subarray(raw.length - TAG_BYTES))
      const text = Buffer.concat([decipher.update(raw.subarray(KEY_ID_BYTES + IV_BYTES, raw.length - TAG_BYTES)), decipher.final()])
      return JSON.parse(text.toString('utf8'))
    } catch {
      return undefined
    }
  }
}
