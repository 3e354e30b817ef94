/** What `/healthz` and `/readyz` answer. */
export const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'ready', 'not_ready'], description: '`ok` from /healthz; `ready` or `not_ready` from /readyz' },
    checks: {
      type: 'object',
      properties: {
        provider: { type: 'string', enum: ['ok', 'discovering'], description: 'Whether the provider\'s metadata is loaded' },
        sessionStore: { type: 'string', enum: ['ok', 'unavailable', 'timeout'], description: 'Whether the session store answered a ping within a second' }
      },
      additionalProperties: false
    }
  },
  additionalProperties: false
} as const
