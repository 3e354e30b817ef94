import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'

/** How the next ID token goes wrong; the default is a perfectly valid one. */
export interface Behaviour {
  /** Claims to override; `undefined` removes the claim. */
  claims?: Record<string, unknown>
  signing?: 'good' | 'none' | 'tampered' | 'unknown-kid' | 'wrong-key' | 'hs256-public-key'
  /** The `iss` the authorization response carries (RFC 9207); the real issuer by default. */
  authorizationIss?: string
}

export interface RogueProvider {
  readonly issuer: string
  /** Successful code exchanges so far. */
  readonly tokenResponses: number
  setBehaviour (behaviour: Behaviour): void
  close (): Promise<void>
}

interface PendingCode { nonce: string, challenge: string, redirectUri: string }

/**
 * A small OpenID provider with test-owned keys that misbehaves on request: the
 * relying-party certification cases an honest provider cannot produce.
 */
export async function startRogueProvider ({ clientId, clientSecret }: { clientId: string, clientSecret: string }): Promise<RogueProvider> {
  const good = await generateKeyPair('RS256', { extractable: true })
  const other = await generateKeyPair('RS256', { extractable: true })
  const goodJwk: JWK = { ...await exportJWK(good.publicKey), kid: 'good', alg: 'RS256', use: 'sig' }
  const codes = new Map<string, PendingCode>()
  let behaviour: Behaviour = {}
  let tokenResponses = 0
  let issuer = ''

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer)
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true
      })
    }
    if (url.pathname === '/jwks') return json(200, { keys: [goodJwk] })
    if (url.pathname === '/authorize') {
      const code = randomBytes(16).toString('hex')
      const redirectUri = url.searchParams.get('redirect_uri') ?? ''
      codes.set(code, { nonce: url.searchParams.get('nonce') ?? '', challenge: url.searchParams.get('code_challenge') ?? '', redirectUri })
      const back = new URL(redirectUri)
      back.searchParams.set('code', code)
      back.searchParams.set('state', url.searchParams.get('state') ?? '')
      back.searchParams.set('iss', behaviour.authorizationIss ?? issuer)
      res.writeHead(302, { location: back.href }).end()
      return
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = ''
      req.on('data', (chunk: Buffer) => { body += chunk.toString() })
      req.on('end', () => {
        const form = new URLSearchParams(body)
        const pending = codes.get(form.get('code') ?? '')
        codes.delete(form.get('code') ?? '')
        if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return json(401, { error: 'invalid_client' })
        const verifier = form.get('code_verifier') ?? ''
        if (pending === undefined || createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) {
          return json(400, { error: 'invalid_grant' })
        }
        idToken(pending.nonce).then((token) => {
          tokenResponses++
          json(200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: token })
        }, () => json(500, { error: 'server_error' }))
      })
      return
    }
    json(404, { error: 'not_found' })
  })

  async function idToken (nonce: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    const claims: Record<string, unknown> = { iss: issuer, aud: clientId, sub: 'rogue|user-1', iat: now, exp: now + 300, nonce, name: 'Rogue Tester', ...behaviour.claims }
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name]
    const payload = claims as JWTPayload
    switch (behaviour.signing ?? 'good') {
      case 'none':
        return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`
      case 'tampered': {
        const [header, body, signature] = (await sign(payload, good.privateKey, 'good')).split('.')
        return `${header}.${body}.${(signature as string).slice(0, -4)}AAAA`
      }
      case 'unknown-kid':
        return await sign(payload, other.privateKey, 'other')
      case 'wrong-key':
        return await sign(payload, other.privateKey, 'good')
      case 'hs256-public-key': {
        // Key confusion: the public key's bytes used as an HMAC secret.
        const secret = new TextEncoder().encode(JSON.stringify(goodJwk))
        return await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: 'good' }).sign(secret)
      }
      default:
        return await sign(payload, good.privateKey, 'good')
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    issuer,
    get tokenResponses () { return tokenResponses },
    setBehaviour: (next) => { behaviour = next },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

async function sign (payload: JWTPayload, key: CryptoKey, kid: string): Promise<string> {
  return await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key)
}

function b64 (value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}
