/** `GET /jwks.json`: the gateway's own public keys, for a provider that takes a `jwks_uri`. */
export const jwksDescription = 'The gateway\'s public keys as a JWK set (RFC 7517): the key that signs its client assertions (`private_key_jwt`) and request objects (`use: sig`), and the key providers encrypt ID tokens to (`use: enc`), each with its `kid` and `alg`. Register this URL as the client\'s `jwks_uri` (Idura), or paste its content as a static JWK set; Auth0 takes the signing key as an uploaded credential instead. Public members only; cacheable. 404 when no key is configured.'

/** One public JWK. The allow-list of members is what keeps a private member (`d`, `p`, `q`…) from ever being served. */
const publicJwkSchema = {
  type: 'object',
  required: ['kty', 'kid', 'use', 'alg'],
  properties: {
    kty: { type: 'string', enum: ['RSA', 'EC', 'OKP'] },
    kid: { type: 'string', description: 'The key id: as configured, or the RFC 7638 thumbprint of the key' },
    use: { type: 'string', enum: ['sig', 'enc'] },
    alg: { type: 'string', examples: ['RS256', 'RSA-OAEP-256'] },
    n: { type: 'string', description: 'RSA modulus' },
    e: { type: 'string', description: 'RSA exponent' },
    crv: { type: 'string', description: 'EC or OKP curve' },
    x: { type: 'string' },
    y: { type: 'string' }
  },
  additionalProperties: false
} as const

export const jwksSchema = {
  type: 'object',
  required: ['keys'],
  properties: { keys: { type: 'array', items: publicJwkSchema } },
  additionalProperties: false
} as const
