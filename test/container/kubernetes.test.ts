import t from 'tap'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { loadConfig } from '../../src/config/index.js'
import { configEnvNames } from '../helpers/config-env.js'

const dir = join(import.meta.dirname, '..', '..', 'deploy', 'kubernetes')

type Json = Record<string, any>

interface Probe { httpGet?: { path?: string, port?: string | number } }

async function manifests (): Promise<{ files: string[], byKind: Map<string, Json[]> }> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.yaml')).sort()
  const byKind = new Map<string, Json[]>()
  for (const file of files) {
    for (const document of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`)
      const object = document.toJS() as Json | null
      if (object === null) continue
      byKind.set(object.kind, [...byKind.get(object.kind) ?? [], { ...object, file }])
    }
  }
  return { files, byKind }
}

function only (byKind: Map<string, Json[]>, kind: string): Json {
  const found = byKind.get(kind) ?? []
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`)
  return found[0] as Json
}

function selects (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value)
}

t.test('the manifests parse, and kustomization.yaml applies every one of them', async (t) => {
  const { files, byKind } = await manifests()
  const kustomization = only(byKind, 'Kustomization')
  t.same([...kustomization.resources].sort(), files.filter((file) => file !== 'kustomization.yaml'))
  for (const kind of ['Deployment', 'Service', 'Secret', 'ConfigMap', 'PodDisruptionBudget']) t.ok(byKind.has(kind), kind)
  const deployment = only(byKind, 'Deployment')
  const image = deployment.spec.template.spec.containers[0].image as string
  t.ok(kustomization.images.some((entry: Json) => entry.name === image && typeof entry.newName === 'string'), 'the image is set in one place')
})

t.test('the Deployment: two replicas, probes on /healthz and /readyz, the contract\'s port, resources, a graceful stop', async (t) => {
  const { byKind } = await manifests()
  const deployment = only(byKind, 'Deployment')
  t.equal(deployment.apiVersion, 'apps/v1')
  t.equal(deployment.spec.replicas, 2)
  const pod = deployment.spec.template
  t.ok(selects(deployment.spec.selector.matchLabels, pod.metadata.labels), 'the selector matches its pods')
  t.equal(pod.spec.containers.length, 1)
  const container = pod.spec.containers[0] as Json
  const env = Object.fromEntries((container.env as Json[]).map((entry) => [entry.name, entry]))

  const port = container.ports.find((p: Json) => p.name === 'http') as Json
  t.equal(port?.containerPort, 3000, 'the contract\'s default port')
  t.equal(env.PORT?.value, String(port?.containerPort), 'PORT is the container port')
  const portOf = (probe: Probe): number | undefined => probe.httpGet?.port === 'http' ? port.containerPort : probe.httpGet?.port as number | undefined
  const liveness = container.livenessProbe as Probe
  const readiness = container.readinessProbe as Probe
  const startup = container.startupProbe as Probe
  t.equal(liveness.httpGet?.path, '/healthz', 'liveness: the process answers')
  t.equal(readiness.httpGet?.path, '/readyz', 'readiness: provider metadata and session store')
  t.equal(startup.httpGet?.path, '/healthz', 'startup: the process listens')
  for (const probe of [liveness, readiness, startup]) t.equal(portOf(probe), 3000, 'on the gateway\'s port')

  t.match(container.resources.requests, { cpu: String, memory: String }, 'CPU and memory requests')
  t.match(container.resources.limits, { memory: String }, 'a memory limit')
  t.ok(pod.spec.terminationGracePeriodSeconds >= 10 + 5, 'room for the preStop pause and the gateway\'s 10 s drain')
  t.same(container.lifecycle.preStop.exec.command, ['sleep', '5'])
  t.equal(pod.spec.securityContext.runAsNonRoot, true)
  t.equal(pod.spec.securityContext.runAsUser, 1000, 'the image\'s node user, by number')
  t.equal(container.securityContext.allowPrivilegeEscalation, false)
  t.equal(container.securityContext.readOnlyRootFilesystem, true)
})

t.test('the Service, the PodDisruptionBudget and the Secret fit the Deployment', async (t) => {
  const { byKind } = await manifests()
  const deployment = only(byKind, 'Deployment')
  const labels = deployment.spec.template.metadata.labels as Record<string, string>
  const container = deployment.spec.template.spec.containers[0] as Json

  const service = only(byKind, 'Service')
  t.ok(selects(service.spec.selector, labels), 'the Service selects the gateway\'s pods')
  t.ok(service.spec.ports.every((p: Json) => container.ports.some((c: Json) => c.name === p.targetPort || c.containerPort === p.targetPort)), 'and sends to their port')

  const budget = only(byKind, 'PodDisruptionBudget')
  t.equal(budget.apiVersion, 'policy/v1')
  t.ok(selects(budget.spec.selector.matchLabels, labels), 'the budget covers the gateway\'s pods')
  t.ok(budget.spec.minAvailable >= 1 && budget.spec.minAvailable < deployment.spec.replicas, 'one pod may go, one always stays')

  const secret = only(byKind, 'Secret')
  t.ok(secret.stringData.SESSION_SECRET, 'the session secret')
  t.ok(secret.stringData.OIDC_CLIENT_SECRET, 'the client secret')
  const configMap = only(byKind, 'ConfigMap')
  t.notOk(configMap.data.SESSION_SECRET ?? configMap.data.OIDC_CLIENT_SECRET, 'secrets are not in the ConfigMap')
  for (const entry of container.env as Json[]) {
    const ref = entry.valueFrom?.secretKeyRef as Json | undefined
    if (ref === undefined) continue
    t.equal(ref.name, secret.metadata.name, `${entry.name as string} comes from the Secret`)
    t.ok(ref.optional === true || ref.key in secret.stringData, `${entry.name as string}: its key is in the Secret, or it is optional`)
  }
  t.ok(container.envFrom.some((source: Json) => source.configMapRef?.name === configMap.metadata.name), 'the ConfigMap is the environment')
})

t.test('every variable the manifests set is one src/config.ts reads, and together they make a production configuration', async (t) => {
  const { byKind } = await manifests()
  const container = only(byKind, 'Deployment').spec.template.spec.containers[0] as Json
  const configMap = only(byKind, 'ConfigMap').data as Record<string, string>
  const secret = only(byKind, 'Secret').stringData as Record<string, string>
  const read = await configEnvNames()
  const names = [...Object.keys(configMap), ...(container.env as Json[]).map((entry) => entry.name as string)]
  for (const name of names) t.ok(read.has(name), `${name} is a setting`)
  t.equal(configMap.SESSION_STORE, 'redis', 'replicas share their sessions through Redis')

  const env: Record<string, string> = { NODE_ENV: 'production', HOST: '0.0.0.0', ...configMap }
  for (const entry of container.env as Json[]) {
    const ref = entry.valueFrom?.secretKeyRef as Json | undefined
    const value = ref === undefined ? entry.value as string : secret[ref.key]
    if (value !== undefined) env[entry.name] = value
  }
  t.throws(() => loadConfig(env), { name: 'ConfigError', message: /^SESSION_SECRET looks like a placeholder/ }, 'the placeholder secret cannot reach production')
  const config = loadConfig({ ...env, SESSION_SECRET: 'k3J9x-Qw7Lp2Zr8Tb5Nc1Vm6Yh4Gd0Fs' })
  t.equal(config.port, 3000)
  t.equal(config.host, '0.0.0.0')
  t.equal(config.session.store, 'redis')
  t.equal(config.session.secureCookie, true, 'an https BASE_URL: Secure, __Host- cookies')
  t.equal(config.trustProxy, configMap.TRUST_PROXY, 'the ingress controller\'s range, named, never the every-private-range default')
  t.notMatch(String(config.trustProxy), /uniquelocal|linklocal|^true$/, 'not every private address')
  t.throws(() => loadConfig({ ...env, SESSION_SECRET: 'k3J9x-Qw7Lp2Zr8Tb5Nc1Vm6Yh4Gd0Fs', TRUST_PROXY: '' }), { name: 'ConfigError', message: /^TRUST_PROXY is required/ }, 'without it production does not start')
})

t.test('the manifests serve /metrics on the pods\' metrics port, which neither the Service nor the probes use', async (t) => {
  const { byKind } = await manifests()
  const deployment = only(byKind, 'Deployment')
  const container = deployment.spec.template.spec.containers[0] as Json
  const configMap = only(byKind, 'ConfigMap').data as Record<string, string>
  const service = only(byKind, 'Service')
  const metricsPort = container.ports.find((p: Json) => p.name === 'metrics') as Json | undefined
  t.equal(String(metricsPort?.containerPort), configMap.METRICS_PORT, 'METRICS_PORT is the container\'s metrics port')
  t.not(configMap.METRICS_PORT, String(container.ports.find((p: Json) => p.name === 'http')?.containerPort), 'apart from the public port')
  t.notOk(service.spec.ports.some((p: Json) => p.targetPort === 'metrics' || String(p.targetPort) === configMap.METRICS_PORT || String(p.port) === configMap.METRICS_PORT), 'the Service does not expose it')
  const annotations = deployment.spec.template.metadata.annotations as Record<string, string>
  t.equal(annotations['prometheus.io/port'], configMap.METRICS_PORT, 'Prometheus is pointed at it')
  t.equal(annotations['prometheus.io/path'], '/metrics')
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) t.equal(container[probe].httpGet.port, 'http', `${probe} on the public port`)

  const env: Record<string, string> = { NODE_ENV: 'production', HOST: '0.0.0.0', ...configMap, SESSION_SECRET: 'k3J9x-Qw7Lp2Zr8Tb5Nc1Vm6Yh4Gd0Fs', OIDC_CLIENT_SECRET: 'secret', PORT: '3000' }
  t.same(loadConfig(env).metricsListener, { port: Number(configMap.METRICS_PORT), host: '0.0.0.0' }, 'on every pod address, for the scraper')
  t.throws(() => loadConfig({ ...env, METRICS_PORT: '' }), { name: 'ConfigError', message: /^METRICS_PORT or METRICS_TOKEN is required/ }, 'without it (and no token) production does not start')
})
