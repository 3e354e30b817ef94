import t from 'tap'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'

const root = join(import.meta.dirname, '..', '..')

interface ComposeService {
  build?: unknown
  image?: string
  deploy?: { replicas?: number }
  environment?: Record<string, string>
  depends_on?: unknown
  volumes?: string[]
}

// Docker cannot run here; these checks keep the compose file consistent with
// the gateway it deploys: its settings exist, and the replicas can share sessions.
t.test('docker-compose.yml runs two replicas that share sessions through Redis behind the proxy', async (t) => {
  const compose = parse(await readFile(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> }
  const { gateway, redis, proxy } = compose.services
  t.ok(gateway?.build, 'the gateway is built from this repository')
  t.equal(gateway?.deploy?.replicas, 2)
  t.ok(redis?.image?.startsWith('redis:'))
  t.ok(proxy?.image?.startsWith('nginx:'))

  const env = gateway?.environment ?? {}
  t.equal(env.SESSION_STORE, 'redis')
  t.equal(env.REDIS_URL, 'redis://redis:6379', 'the redis service')
  t.equal(env.NODE_ENV, 'production')
  t.match(env.SESSION_SECRET, /^\$\{SESSION_SECRET:\?/, 'one secret for all replicas, required')

  const readme = await readFile(join(root, 'README.md'), 'utf8')
  for (const name of Object.keys(env)) {
    t.ok(readme.includes(`| \`${name}\``) || readme.includes(`\`${name}\` /`), `${name} is a documented setting`)
  }

  const nginx = await readFile(join(root, 'deploy', 'nginx.conf'), 'utf8')
  t.ok(nginx.includes(`server gateway:${env.PORT ?? ''} resolve;`), 'the proxy balances over every gateway replica on its port')
  t.ok(proxy?.volumes?.some((volume) => volume.startsWith('./deploy/nginx.conf:')), 'the proxy uses that configuration')

  const example = await readFile(join(root, 'deploy', 'compose.env.example'), 'utf8')
  for (const required of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'SESSION_SECRET']) {
    t.match(example, new RegExp(`^${required}=`, 'm'), `${required} is in the example .env`)
  }
})
