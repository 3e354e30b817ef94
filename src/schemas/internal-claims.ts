import { CLAIM_SCOPES } from '../claims/service-claims.js'
import { profileSchema } from './profile.js'

const { properties: profile } = profileSchema

/** `GET /internal/users/:sub/claims` for services holding a client-credentials token for `audience`. */
export function internalClaimsDescription (audience: string): string {
  return `For services inside the platform. The caller sends \`Authorization: Bearer <JWT>\`: an access token from the identity provider, obtained with the client-credentials grant for the audience \`${audience}\`, verified against the provider's keys (\`iss\`, \`aud\`, \`exp\`, \`nbf\`, asymmetric \`alg\`). Its scopes decide what comes back (data minimisation): ${CLAIM_SCOPES.map((scope) => `\`${scope}\``).join(', ')}. The person is named by the caller's own pairwise id for them (from forward auth or an earlier answer), or by the provider's \`sub\` when the token carries \`claims:sub\`; the answer names them the same way. The claims come from the user's latest login and are forgotten at logout. Refusals of the token carry \`WWW-Authenticate: Bearer\`. Every lookup is audited (caller, a hash of the subject, the scopes granted; never a claim value).`
}

export const internalClaimsParamsSchema = {
  type: 'object',
  required: ['sub'],
  properties: { sub: { type: 'string', minLength: 1, maxLength: 512, description: 'The person: this service\'s pairwise id for them, or (with `claims:sub`) the provider\'s subject identifier, URL-encoded' } }
} as const

export const serviceClaimsSchema = {
  description: 'The user\'s claims, minimised: `sub` and `eid` always, every other field only when a scope of the token opens it and the login provided it',
  type: 'object',
  required: ['sub'],
  properties: {
    sub: profile.sub,
    eid: profile.eid,
    name: { type: 'string', description: '`claims:profile`' },
    givenName: { type: 'string', description: '`claims:profile`' },
    familyName: { type: 'string', description: '`claims:profile`' },
    birthdate: { ...profile.birthdate, description: '`claims:birthdate`: YYYY-MM-DD (or YYYY alone)' },
    ageOver18: { type: 'boolean', description: '`claims:age`: computed at the lookup; absent when the birthdate cannot tell (a year alone near the birthday, or none)' },
    ageOver21: { type: 'boolean', description: '`claims:age`, as `ageOver18`' },
    address: { ...profile.address, description: '`claims:address`' },
    nationalNumber: { ...profile.nationalNumber, description: '`claims:national_number`: the Belgian national register number' },
    nationalId: { ...profile.nationalId, description: '`claims:national_number`: the national identifier of the eID used, typed' },
    assurance: { ...profile.assurance, description: '`claims:assurance`: how the latest login authenticated the person (eIDAS level, acr, amr, auth_time)' }
  },
  additionalProperties: false
} as const
