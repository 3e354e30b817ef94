/** JSON schemas shared by routes. Response schemas are allow-lists: unnamed fields never leave. */

export const errorSchema = {
  $id: 'error',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' }
  },
  additionalProperties: false
} as const

const addressSchema = {
  type: 'object',
  properties: {
    formatted: { type: 'string' },
    streetAddress: { type: 'string' },
    postalCode: { type: 'string' },
    locality: { type: 'string' },
    country: { type: 'string' }
  },
  additionalProperties: false
} as const

export const profileSchema = {
  $id: 'profile',
  type: 'object',
  required: ['sub'],
  properties: {
    sub: { type: 'string' },
    name: { type: 'string' },
    givenName: { type: 'string' },
    familyName: { type: 'string' },
    birthdate: { type: 'string' },
    gender: { type: 'string' },
    nationalNumber: { type: 'string' },
    address: addressSchema,
    eid: { type: 'string' },
    session: {
      type: 'object',
      required: ['sid', 'expiresAt', 'logoutUrl'],
      properties: {
        sid: { type: 'string' },
        expiresAt: { type: 'string' },
        logoutUrl: { type: 'string' }
      },
      additionalProperties: false
    }
  },
  additionalProperties: false
} as const

export const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string' },
    checks: {
      type: 'object',
      properties: {
        provider: { type: 'string' },
        sessionStore: { type: 'string' }
      },
      additionalProperties: false
    }
  },
  additionalProperties: false
} as const

/** For redirects: the body is empty. */
export const redirectSchema = { type: 'null' } as const
