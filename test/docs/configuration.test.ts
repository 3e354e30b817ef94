import t from 'tap'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { configEnvNames } from '../helpers/config-env.js'

const root = join(import.meta.dirname, '..', '..')

/** The variables a Markdown table documents: the first cell of each row, `NAME` in backticks. */
function tableNames (markdown: string): string[] {
  return [...markdown.matchAll(/^\| `([A-Z][A-Z0-9_]*)`(?: \/ `([A-Z][A-Z0-9_]*)`|, `([A-Z][A-Z0-9_]*)`)? \|/gm)]
    .flatMap((match) => match.slice(1).filter((name): name is string => name !== undefined))
}

t.test('docs/configuration.md has one row for each variable the configuration reads, and none else', async (t) => {
  const rows = tableNames(await readFile(join(root, 'docs', 'configuration.md'), 'utf8'))
  const read = await configEnvNames()
  t.ok(read.has('SESSION_SECRET') && read.has('NODE_ENV') && rows.includes('OIDC_ISSUER'), `${rows.length} rows, ${read.size} variables read`)
  t.same([...new Set(rows)].sort(), [...read].sort())
  t.same(rows.filter((name, i) => rows.indexOf(name) !== i), [], 'none twice')
})

t.test('the settings on the front page are ones the gateway reads, each documented in full', async (t) => {
  const front = tableNames(await readFile(join(root, 'README.md'), 'utf8'))
  const read = await configEnvNames()
  t.ok(front.length >= 10, `${front.length} settings on the front page`)
  for (const name of front) t.ok(read.has(name), `${name} is read`)
  for (const name of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'BASE_URL', 'SESSION_SECRET', 'EID_CONNECTIONS', 'CLAIMS_NAMESPACE', 'SESSION_STORE', 'REDIS_URL', 'UPSTREAMS', 'TRUST_PROXY', 'METRICS_PORT', 'METRICS_TOKEN']) {
    t.ok(front.includes(name), `${name} is on the front page`)
  }
})
