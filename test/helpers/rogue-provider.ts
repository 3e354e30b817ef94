import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'

/** How the ID token is signed. Everything but `good` must be refused by a relying party. */
export type Signing =
  | 'good'
  /** An unsigned JWT (`alg: none`, empty signature). */
  | 'none'
  /** A correct signature with one bit flipped. */
  | 'tampered-signature'
  /** Signed, then the payload swapped for another subject: the signature no longer covers it. */
  | 'tampered-payload'
  /** Another RSA key, with a kid the JWKS does not have. */
  | 'unknown-kid'
  /** Another RSA key, under the published key's kid. */
  | 'wrong-key'
  /** ES256 with an unpublished EC key: an algorithm the provider never advertised. */
  | 'ec-key'
  /** Another RSA key under a kid never seen before, new for every token: forces a JWKS refetch each time if unchecked. */
  | 'fresh-unknown-kid'
  /** HS256 keyed with the public key's PEM: the classic RS256/HS256 key confusion. */
  | 'hs256-public-pem'
  /** The same confusion, keyed with the public JWK's JSON. */
  | 'hs256-public-jwk'

type ClaimOverrides = Record<string, unknown>

/** How the provider misbehaves for logins started after `setBehaviour`; `{}` is a perfectly honest provider. */
export interface Behaviour {
  /** Claims to change in the ID token; an explicit `undefined` removes the claim. A function gets the time in seconds. */
  readonly claims?: ClaimOverrides | ((now: number) => ClaimOverrides)
  readonly signing?: Signing
  /** The authorization response's `iss` (RFC 9207): the real issuer by default, `null` to leave it out. */
  readonly authorizationIss?: string | null
  /** The token endpoint answers only after this long. */
  readonly tokenDelayMs?: number
  /** The token endpoint drops the connection without an answer. */
  readonly tokenConnectionReset?: boolean
  /** The JWKS endpoint answers 503. */
  readonly jwksDown?: boolean
}

export interface RogueProviderOptions {
  readonly clientId: string
  readonly clientSecret: string
  /** The only redirect URI `/authorize` sends codes to. */
  readonly redirectUri: string
  /** `id_token_signing_alg_values_supported`; a hostile discovery document may list `none` or HS256. */
  readonly advertisedAlgorithms?: readonly string[]
}

export interface RogueProvider {
  readonly issuer: string
  /** Every POST to the token endpoint, refused or not. */
  readonly tokenRequests: number
  /** Token requests that were answered with tokens (a code exchanged). */
  readonly tokensIssued: number
  /** Requests for the JWKS, answered or not. */
  readonly jwksRequests: number
  readonly subject: string
  setBehaviour (behaviour: Behaviour): void
  /** Any JWT with exactly these claims, signed as `signing` says: service tokens, forged or not. */
  signToken (claims: ClaimOverrides, signing?: Signing): Promise<string>
  /** Signs from now on with a new key under a new kid; the JWKS publishes both. */
  rotateSigningKey (): Promise<void>
  close (): Promise<void>
}

interface IssuedCode { readonly nonce: string, readonly challenge: string, readonly behaviour: Behaviour }

const SUBJECT = 'rogue|user-1'
const GOOD_KID = 'rogue-good'

/**
 * A small OpenID provider with test-owned keys. It is strict about what the
 * relying party sends (client_secret_post, PKCE S256, single-use codes, the
 * registered redirect URI), so a login that succeeds against it proves the
 * gateway did its part, and it mints whatever broken ID token a certification
 * case needs, which an honest provider never would.
 */
export async function startRogueProvider (options: RogueProviderOptions): Promise<RogueProvider> {
  const keys = await generateKeys()
  const codes = new Map<string, IssuedCode>()
  let behaviour: Behaviour = {}
  let tokenRequests = 0
  let tokensIssued = 0
  let jwksRequests = 0
  let issuer = ''

  function authorize (url: URL, res: ServerResponse): void {
    const query = url.searchParams
    // An unknown redirect URI gets an error page, never a redirect: that would make this an open redirector.
    if (query.get('client_id') !== options.clientId || query.get('redirect_uri') !== options.redirectUri) {
      return send(res, 400, { error: 'invalid_request', error_description: 'unknown client or redirect_uri' })
    }
    const challenge = query.get('code_challenge')
    const nonce = query.get('nonce')
    if (query.get('response_type') !== 'code' || query.get('code_challenge_method') !== 'S256' || challenge === null || nonce === null ||
        !(query.get('scope') ?? '').split(' ').includes('openid')) {
      return send(res, 400, { error: 'invalid_request', error_description: 'code flow with openid scope, nonce and PKCE S256 only' })
    }
    const code = randomBytes(24).toString('base64url')
    codes.set(code, { nonce, challenge, behaviour })
    const back = new URL(options.redirectUri)
    back.searchParams.set('code', code)
    if (query.has('state')) back.searchParams.set('state', query.get('state') as string)
    const iss = behaviour.authorizationIss === undefined ? issuer : behaviour.authorizationIss
    if (iss !== null) back.searchParams.set('iss', iss)
    res.writeHead(302, { location: back.href, 'cache-control': 'no-store' }).end()
  }

  async function token (req: IncomingMessage, res: ServerResponse): Promise<void> {
    tokenRequests++
    if (behaviour.tokenConnectionReset === true) {
      req.socket.destroy()
      return
    }
    if (behaviour.tokenDelayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, behaviour.tokenDelayMs))
    const form = new URLSearchParams(await readBody(req))
    // client_secret_post only: credentials in the body, and not also in a header (RFC 6749, 2.3).
    if (req.headers.authorization !== undefined || form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) {
      return send(res, 401, { error: 'invalid_client' })
    }
    const code = form.get('code') ?? ''
    const issued = codes.get(code)
    // Single use: the code is gone after its first presentation, whatever the outcome.
    codes.delete(code)
    if (form.get('grant_type') !== 'authorization_code' || form.get('redirect_uri') !== options.redirectUri) {
      return send(res, 400, { error: 'invalid_request' })
    }
    if (issued === undefined || s256(form.get('code_verifier') ?? '') !== issued.challenge) {
      return send(res, 400, { error: 'invalid_grant' })
    }
    const idToken = await mintIdToken(keys, standardClaims(issued.nonce), issued.behaviour)
    tokensIssued++
    send(res, 200, { access_token: randomBytes(24).toString('base64url'), token_type: 'Bearer', expires_in: 300, id_token: idToken })
  }

  function standardClaims (nonce: string): ClaimOverrides {
    const now = Math.floor(Date.now() / 1000)
    return { iss: issuer, aud: options.clientId, sub: SUBJECT, iat: now, exp: now + 300, nonce, name: 'Rogue Tester' }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer)
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') return send(res, 200, metadata(issuer, options.advertisedAlgorithms ?? ['RS256']))
    if (req.method === 'GET' && url.pathname === '/jwks') {
      jwksRequests++
      return behaviour.jwksDown === true ? send(res, 503, { error: 'unavailable' }) : send(res, 200, { keys: keys.published })
    }
    if (req.method === 'GET' && url.pathname === '/authorize') return authorize(url, res)
    if (req.method === 'POST' && url.pathname === '/token') {
      token(req, res).catch(() => send(res, 500, { error: 'server_error' }))
      return
    }
    send(res, 404, { error: 'not_found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    issuer,
    subject: SUBJECT,
    get tokenRequests () { return tokenRequests },
    get tokensIssued () { return tokensIssued },
    get jwksRequests () { return jwksRequests },
    setBehaviour (next) { behaviour = next },
    signToken: async (claims, signing) => await mintIdToken(keys, {}, { claims, signing }),
    async rotateSigningKey () {
      const next = await generateKeyPair('RS256', { extractable: true })
      const kid = `rogue-${randomBytes(4).toString('hex')}`
      keys.good = next.privateKey
      keys.goodKid = kid
      keys.published = [...keys.published, { ...await exportJWK(next.publicKey), kid, alg: 'RS256', use: 'sig' }]
    },
    async close () {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

function metadata (issuer: string, algorithms: readonly string[]): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: algorithms,
    token_endpoint_auth_methods_supported: ['client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true
  }
}

interface Keys {
  /** The current signing key and its kid; rotateSigningKey replaces them. */
  good: CryptoKey
  goodKid: string
  /** What the JWKS endpoint serves: every key ever used for signing. */
  published: JWK[]
  readonly goodJwk: JWK
  readonly goodPem: string
  readonly unknown: CryptoKey
  readonly ec: CryptoKey
}

async function generateKeys (): Promise<Keys> {
  const good = await generateKeyPair('RS256', { extractable: true })
  const unknown = await generateKeyPair('RS256')
  const ec = await generateKeyPair('ES256')
  const goodJwk: JWK = { ...await exportJWK(good.publicKey), kid: GOOD_KID, alg: 'RS256', use: 'sig' }
  return {
    good: good.privateKey,
    goodKid: GOOD_KID,
    published: [goodJwk],
    goodJwk,
    goodPem: await exportSPKI(good.publicKey),
    unknown: unknown.privateKey,
    ec: ec.privateKey
  }
}

async function mintIdToken (keys: Keys, standard: ClaimOverrides, behaviour: Behaviour): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const overrides = typeof behaviour.claims === 'function' ? behaviour.claims(now) : behaviour.claims
  const claims: ClaimOverrides = { ...standard, ...overrides }
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name]
  const payload = claims as JWTPayload
  const rs256 = async (key: CryptoKey, kid: string): Promise<string> =>
    await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key)

  switch (behaviour.signing ?? 'good') {
    case 'good':
      return await rs256(keys.good, keys.goodKid)
    case 'none':
      return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`
    case 'tampered-signature': {
      const [header, body, signature] = (await rs256(keys.good, GOOD_KID)).split('.') as [string, string, string]
      const bytes = Buffer.from(signature, 'base64url')
      bytes[0] = (bytes[0] as number) ^ 0x01
      return `${header}.${body}.${bytes.toString('base64url')}`
    }
    case 'tampered-payload': {
      const [header, , signature] = (await rs256(keys.good, GOOD_KID)).split('.') as [string, string, string]
      return `${header}.${base64url({ ...payload, sub: 'rogue|someone-else' })}.${signature}`
    }
    case 'unknown-kid':
      return await rs256(keys.unknown, 'rogue-unknown')
    case 'fresh-unknown-kid':
      return await rs256(keys.unknown, `rogue-unknown-${randomBytes(4).toString('hex')}`)
    case 'wrong-key':
      return await rs256(keys.unknown, GOOD_KID)
    case 'ec-key':
      return await new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: 'rogue-ec', typ: 'JWT' }).sign(keys.ec)
    case 'hs256-public-pem':
      return await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: GOOD_KID, typ: 'JWT' }).sign(new TextEncoder().encode(keys.goodPem))
    case 'hs256-public-jwk':
      return await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: GOOD_KID, typ: 'JWT' }).sign(new TextEncoder().encode(JSON.stringify(keys.goodJwk)))
  }
}

function s256 (verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

function base64url (value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function send (res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
}

async function readBody (req: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of req) {
    body += (chunk as Buffer).toString('utf8')
    if (body.length > 64 * 1024) throw new Error('token request too large')
  }
  return body
}
