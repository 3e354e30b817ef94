import t from 'tap'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import pino from 'pino'
import { logOutput, loggerOptions } from '../../src/log.js'

const cases: Array<[string, Parameters<typeof logOutput>[0], 'stdout' | 'pretty' | 'given']> = [
  ['production at a terminal: JSON', { production: true, terminal: true }, 'stdout'],
  ['production, piped: JSON', { production: true, terminal: false }, 'stdout'],
  ['development, piped (a log collector, a test): JSON', { production: false, terminal: false }, 'stdout'],
  ['development at a terminal: pino-pretty', { production: false, terminal: true }, 'pretty'],
  ['a given stream wins, always as JSON', { production: false, terminal: true, stream: new PassThrough() }, 'given']
]

for (const [name, options, expected] of cases) {
  const output = logOutput(options)
  if (expected === 'pretty') {
    t.match(output, { transport: { target: /pino-pretty/ } }, name)
  } else {
    t.equal('stream' in output ? output.stream : undefined, expected === 'stdout' ? process.stdout : options.stream, name)
  }
}

t.test('the pretty output is one readable line per entry, with the request id and redaction', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bff-log-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const output = logOutput({ production: false, terminal: true })
  if (!('transport' in output)) throw new Error('expected the pino-pretty transport')
  const file = join(dir, 'out.log')
  const transport = pino.transport({ target: output.transport.target, options: { ...output.transport.options, destination: file, colorize: false } })
  // The transport's worker thread does not hold the event loop open; this does, until it is done.
  const alive = setInterval(() => {}, 1000)
  t.teardown(() => clearInterval(alive))
  await once(transport, 'ready')
  const closed = once(transport, 'close')
  const logger = pino(loggerOptions('info'), transport)
  logger.child({ reqId: 'req-123' }).info({ accessToken: 'secret-access-token', errorCode: 'invalid_state' }, 'request rejected')
  transport.end()
  await closed
  const text = await readFile(file, 'utf8')
  t.notMatch(text, /^\{/, 'not JSON')
  t.match(text, /INFO.*request rejected/)
  t.match(text, /"reqId":"req-123"/)
  t.notMatch(text, /secret-access-token/, 'redacted before it is printed')
  t.equal(text.trimEnd().split('\n').length, 1, 'one line')
})

t.test('without pino-pretty (a production install), a terminal gets JSON too', async (t) => {
  const { logOutput: withoutPretty } = await t.mockImport<typeof import('../../src/log.js')>('../../src/log.js', {
    'node:module': {
      createRequire: () => ({ resolve: () => { throw Object.assign(new Error('Cannot find module \'pino-pretty\''), { code: 'MODULE_NOT_FOUND' }) } })
    }
  })
  t.same(withoutPretty({ production: false, terminal: true }), { stream: process.stdout })
})
