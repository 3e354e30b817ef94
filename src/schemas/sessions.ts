/** The session lists: of a subject for the service API, and one's own in `/me/sessions`. Never a token or an id. */
import { internalClaimsParamsSchema } from './internal-claims.js'

export const SESSIONS_ADMIN_SCOPE = 'sessions:admin'

const listedSession = {
  handle: { type: 'string', description: 'Names the session in this list (a keyed hash of its id, never the id): use it to end the session', examples: ['Rz2u0xCvS8m1b9QWk4yT3eJpNf6aHdLq'] },
  createdAt: { type: 'string', format: 'date-time', description: 'When the login finished' },
  lastSeenAt: { type: 'string', format: 'date-time', description: 'When the session was last used' },
  eid: { type: 'string', description: 'The eID it was signed in with, from signed claims only', examples: ['itsme'] },
  level: { type: 'string', enum: ['low', 'substantial', 'high'], description: 'The eIDAS level of that login, when known' },
  device: { type: 'string', description: 'The browser family it was signed in from', examples: ['Firefox on Linux'] }
} as const

export const subjectSessionsSchema = {
  description: 'The subject\'s live sessions on every instance sharing the store',
  type: 'object',
  required: ['sessions'],
  properties: {
    sessions: {
      type: 'array',
      items: { type: 'object', required: ['handle', 'createdAt', 'lastSeenAt'], properties: listedSession, additionalProperties: false }
    }
  },
  additionalProperties: false
} as const

export const ownSessionsSchema = {
  description: 'The signed-in person\'s live sessions; `current` marks the one this request uses',
  type: 'object',
  required: ['sessions'],
  properties: {
    sessions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['handle', 'createdAt', 'lastSeenAt', 'current'],
        properties: { ...listedSession, current: { type: 'boolean' } },
        additionalProperties: false
      }
    }
  },
  additionalProperties: false
} as const

export const endedSessionsSchema = {
  description: 'How many sessions were ended',
  type: 'object',
  required: ['ended'],
  properties: { ended: { type: 'integer', minimum: 0 } },
  additionalProperties: false
} as const

export const sessionHandleParamsSchema = {
  type: 'object',
  required: ['handle'],
  properties: { handle: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'A session\'s handle, as listed' } }
} as const

/** The subject in a service route's path, as the claims lookup reads it. */
export const subjectParamsSchema = internalClaimsParamsSchema

export const subjectSessionParamsSchema = {
  type: 'object',
  required: ['sub', 'handle'],
  properties: { ...subjectParamsSchema.properties, ...sessionHandleParamsSchema.properties }
} as const
