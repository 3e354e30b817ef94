import { ASSURANCE_LEVELS } from '../claims/assurance.js'

/** The profile `/me` answers: an allow-list, so a field it does not name never leaves. */

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

/** How the login authenticated the person, from its signed claims. */
export const assuranceSchema = {
  description: 'How the login authenticated the person, from what the provider signed: the eIDAS level its eID\'s acr value proves, that acr value, the methods (`amr`) and when (`auth_time`). A field the provider did not send is left out; a login without an eID has no level.',
  type: 'object',
  properties: {
    level: { type: 'string', enum: [...ASSURANCE_LEVELS], description: 'eIDAS level of assurance', examples: ['high'] },
    acr: { type: 'string', description: 'The acr value the level was read from', examples: ['urn:grn:authn:itsme:advanced'] },
    amr: { type: 'array', items: { type: 'string' }, description: 'The authentication methods the provider named (RFC 8176)', examples: [['pin']] },
    authTime: { type: 'string', format: 'date-time', description: 'When the person authenticated (`auth_time`)' }
  },
  additionalProperties: false
} as const

export const profileSchema = {
  $id: 'profile',
  description: 'The signed-in person, mapped from the verified ID token. A claim the provider did not send (or that fails its check) is left out, never invented; a field not named here never reaches the browser.',
  type: 'object',
  required: ['sub'],
  properties: {
    sub: { type: 'string', description: 'The provider\'s stable subject identifier', examples: ['oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}'] },
    name: { type: 'string' },
    givenName: { type: 'string' },
    familyName: { type: 'string' },
    birthdate: { type: 'string', description: 'OIDC `birthdate`: YYYY-MM-DD (or YYYY alone)', examples: ['1965-07-08'] },
    gender: { type: 'string' },
    nationalNumber: { type: 'string', description: 'Belgian national register number (11 digits), only when its check digits are right', examples: ['65070862267'] },
    nationalId: {
      description: 'The national identifier the signed-in eID asserts, with its country and kind, only when it passes that country\'s check',
      type: 'object',
      required: ['country', 'type', 'value'],
      properties: {
        country: { type: 'string' },
        type: { type: 'string' },
        value: { type: 'string' }
      },
      additionalProperties: false
    },
    address: addressSchema,
    eid: { type: 'string', description: 'The eID used to sign in', examples: ['itsme'] },
    assurance: assuranceSchema,
    session: {
      description: 'This gateway session (tokens never leave the gateway)',
      type: 'object',
      required: ['sid', 'expiresAt', 'logoutUrl'],
      properties: {
        sid: { type: 'string', description: 'The session\'s id at the provider; `/logout` requires it' },
        expiresAt: { type: 'string', format: 'date-time', description: 'When the session ends if the user does nothing more (idle timeout, capped by the absolute lifetime)' },
        logoutUrl: { type: 'string', description: 'Where to send the browser to sign out', examples: ['/logout?sid=…'] }
      },
      additionalProperties: false
    }
  },
  additionalProperties: false
} as const
