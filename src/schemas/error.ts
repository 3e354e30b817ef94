/** The one error body. Its codes and what each means: ./error-codes.ts. */
export const errorSchema = {
  $id: 'error',
  description: 'Every error answer: a stable code to branch on, and a message for people (never a token, code, claim or secret)',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Stable lower snake_case code, e.g. `invalid_request`, `unauthenticated`, `provider_unavailable`', examples: ['unauthenticated'] },
    message: { type: 'string', description: 'For people; not for parsing', examples: ['Sign in first'] }
  },
  additionalProperties: false
} as const
