import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadConfig, type Env } from '../../src/config/index.js'

const root = join(import.meta.dirname, '..', '..')

/**
 * Every environment variable src/config/ reads: the names its files' source
 * passes to the readers (`readSeconds(env, 'NAME', …)`, `env.NAME`), and,
 * in case a name is ever built at run time, the ones loadConfig is seen to
 * read for a development and for a production configuration.
 */
export async function configEnvNames (): Promise<Set<string>> {
  const dir = join(root, 'src', 'config')
  const files = (await readdir(dir)).filter((name) => name.endsWith('.ts'))
  const source = (await Promise.all(files.map(async (name) => await readFile(join(dir, name), 'utf8')))).join('\n')
  const names = new Set<string>()
  for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b|\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]|\(env, ['"]([A-Z][A-Z0-9_]*)['"]/g)) {
    names.add((match[1] ?? match[2] ?? match[3]) as string)
  }
  const production: Env = {
    NODE_ENV: 'production',
    BASE_URL: 'https://app.example.com',
    OIDC_ISSUER: 'https://tenant.eu.auth0.com/',
    OIDC_CLIENT_ID: 'client',
    OIDC_CLIENT_SECRET: 'secret',
    SESSION_SECRET: 'k3J9x-Qw7Lp2Zr8Tb5Nc1Vm6Yh4Gd0Fs',
    TRUST_PROXY: '10.0.0.0/8',
    METRICS_PORT: '9464'
  }
  for (const env of [{}, production]) {
    loadConfig(new Proxy(env, {
      get (target, name) {
        if (typeof name === 'string') names.add(name)
        return (target as Record<string | symbol, string | undefined>)[name]
      }
    }))
  }
  return names
}
