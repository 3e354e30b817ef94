import t from 'tap'
import { ERROR_CODES, errorResponses } from '../../src/schemas/index.js'

t.test('every error code is described: 4xx or 5xx statuses, each with a one-line meaning', async (t) => {
  for (const [code, meanings] of Object.entries(ERROR_CODES)) {
    const statuses = Object.keys(meanings)
    t.ok(statuses.length > 0, `${code} has a status`)
    for (const [status, meaning] of Object.entries(meanings)) {
      t.match(status, /^[45]\d\d$/, `${code} ${status} is an error status`)
      t.match(meaning, /^[^\n]{10,200}$/, `${code} ${status}: one line`)
    }
  }
})

const rows: Array<[string, Parameters<typeof errorResponses>, Record<string, string | undefined>]> = [
  ['one code is described inline under its status', [['unauthenticated']], {
    401: `\`unauthenticated\`: ${ERROR_CODES.unauthenticated[401] ?? ''}`
  }],
  ['codes of one status are listed together, in the order given', [['invalid_sid', 'invalid_request']], {
    400: `- \`invalid_sid\`: ${ERROR_CODES.invalid_sid[400] ?? ''}\n- \`invalid_request\`: ${ERROR_CODES.invalid_request[400] ?? ''}`
  }],
  ['a code with two statuses is described under each, with its meaning there', [['provider_unavailable', 'session_store_unavailable']], {
    502: `\`provider_unavailable\`: ${ERROR_CODES.provider_unavailable[502] ?? ''}`,
    503: `- \`provider_unavailable\`: ${ERROR_CODES.provider_unavailable[503] ?? ''}\n- \`session_store_unavailable\`: ${ERROR_CODES.session_store_unavailable[503] ?? ''}`
  }],
  ['a route without a body never answers 413 or 415', [['invalid_request']], { 400: `\`invalid_request\`: ${ERROR_CODES.invalid_request[400] ?? ''}`, 413: undefined, 415: undefined }],
  ['a route with a body can refuse it as too large or of the wrong type', [['invalid_request'], { body: true }], {
    413: `\`invalid_request\`: ${ERROR_CODES.invalid_request[413] ?? ''}`,
    415: `\`invalid_request\`: ${ERROR_CODES.invalid_request[415] ?? ''}`
  }],
  ['a code listed twice is described once', [['not_found', 'not_found']], { 404: `\`not_found\`: ${ERROR_CODES.not_found[404] ?? ''}` }],
  ['500 is always there', [[]], { 500: `\`internal_error\`: ${ERROR_CODES.internal_error[500] ?? ''}` }]
]

for (const [name, args, expected] of rows) {
  t.test(name, async (t) => {
    const responses = errorResponses(...args)
    for (const [status, description] of Object.entries(expected)) {
      t.equal(responses[status]?.description, description, status)
      if (description !== undefined) t.equal(responses[status]?.$ref, 'error#', `${status} is the error shape`)
    }
    t.ok(responses['4xx'] !== undefined && responses['5xx'] !== undefined, 'the catch-alls stay')
  })
}

t.test('only the statuses of the listed codes are documented, and 429 carries Retry-After', async (t) => {
  const responses = errorResponses(['rate_limited', 'access_denied'])
  t.same(Object.keys(responses), ['403', '429', '500', '4xx', '5xx'])
  t.same(responses[429]?.headers, { 'retry-after': { type: 'integer', description: 'Seconds until the rate limit lets this client in again' } })
  t.equal(responses[403]?.headers, undefined)
})

t.test('an unknown code does not compile', async (t) => {
  // @ts-expect-error: 'no_such_code' is not an ErrorCode (npm test type-checks first).
  t.throws(() => errorResponses(['no_such_code']), TypeError, 'and has no description to generate')
})
