import t, { type Test } from 'tap'
import { registerHooks } from 'node:module'

/*
 * Every module resolution of this process, recorded before the gateway's
 * modules load, to show what tracing off leaves out. The gateway is imported
 * only after the hook is in place.
 */
const resolved: Array<{ specifier: string, parent: string }> = []
registerHooks({
  resolve (specifier, context, next) {
    resolved.push({ specifier, parent: context.parentURL ?? '' })
    return next(specifier, context)
  }
})
const { signInAtDevIdp } = await import('../helpers/dev-idp-login.js')
const { startStack } = await import('../helpers/gateway.js')
const { startRecordingUpstream } = await import('../helpers/recording-upstream.js')
const { TestBrowser } = await import('../helpers/test-browser.js')
const { MemorySessionStore } = await import('../../src/sessions/memory-store.js')

/** The OpenTelemetry API's registry of globals (tracer provider, context manager, propagator), keyed by its major version. */
const OTEL_GLOBALS = Symbol.for('opentelemetry.js.api.1')

/** The request hooks the tracing plugin adds when on, by their names. */
const TRACING_HOOKS = ['startServerSpan', 'resumeServerSpan', 'endServerSpan', 'abandonServerSpan']

/** The names of the hooks on the instance, from Fastify's own list (its `fastify.hooks` symbol). */
function hookNames (app: object): string[] {
  const key = Object.getOwnPropertySymbols(app).find((symbol) => symbol.description === 'fastify.hooks')
  if (key === undefined) throw new Error('Fastify keeps its hooks elsewhere now')
  const hooks = (app as Record<symbol, Record<string, Array<{ name: string }>>>)[key] ?? {}
  return Object.values(hooks).flat().map((hook) => hook.name)
}

/**
 * What tracing would load: an OpenTelemetry package, or the tracer or SDK
 * module. prom-client imports the API (for exemplars) whatever the gateway
 * does; the API alone registers nothing.
 */
function loadedTracing (): string[] {
  return resolved
    .filter(({ specifier, parent }) => /@opentelemetry\/|tracing\/(tracer|sdk)\.js$/.test(specifier) && !(specifier === '@opentelemetry/api' && parent.includes('/node_modules/prom-client/')))
    .map(({ specifier, parent }) => `${specifier} from ${parent}`)
}

/** A login, /me, an /api call and a logout, each request sending the trace context a traced frontend would. */
async function wholeSession (t: Test, env: Record<string, string>): Promise<{ app: Awaited<ReturnType<typeof startStack>>['app'], upstreamHeaders: Record<string, unknown> }> {
  const upstream = await startRecordingUpstream()
  t.teardown(() => upstream.close())
  const stack = await startStack(t, { env: { UPSTREAMS: JSON.stringify({ echo: upstream.url }), ...env } })
  const browser = new TestBrowser()
  const caller = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }
  const login = await browser.get(`${stack.gatewayUrl}/login`, caller)
  const callback = await signInAtDevIdp(browser, login.location as string, 'chris')
  t.equal((await browser.get(callback.href, caller)).status, 302)
  const me = await browser.get(`${stack.gatewayUrl}/me`, caller)
  t.equal(me.status, 200)
  t.equal((await browser.get(`${stack.gatewayUrl}/api/echo/items`, { 'x-csrf': '1', ...caller })).status, 200)
  t.equal((await browser.get(`${stack.gatewayUrl}${me.json().session.logoutUrl as string}`, caller)).status, 302)
  return { app: stack.app, upstreamHeaders: upstream.received.at(-1)?.headers ?? {} }
}

let offHooks = 0

t.test('with no exporter configured, nothing of OpenTelemetry loads: no SDK, no context manager, no span, no store wrapper', async (t) => {
  const offs: Array<Record<string, string>> = [
    {},
    // Named, but switched off: the SDK's own switch, and the exporter `none`.
    { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' },
    { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }
  ]
  for (const env of offs) {
    const { app, upstreamHeaders } = await wholeSession(t, env)
    t.equal(app.config.tracing.enabled, false, JSON.stringify(env))
    t.equal(app.tracing, undefined, 'no tracing decorator')
    t.same(hookNames(app).filter((name) => TRACING_HOOKS.includes(name)), [], 'no hook of the tracing plugin')
    offHooks = hookNames(app).length
    t.ok(app.sessionStore instanceof MemorySessionStore, 'the session store itself, not a traced wrapper')
    // The proxy passes the caller's header on as it always did; the gateway adds no span of its own.
    t.equal(upstreamHeaders.traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
  }
  t.ok(resolved.some(({ specifier }) => /\/plugins\/tracing\.[jt]s$/.test(specifier)), 'the tracing plugin itself was loaded, and recorded')
  t.same(loadedTracing(), [], 'no OpenTelemetry SDK package, and neither the tracer nor the SDK module, was ever imported')
  t.equal((globalThis as Record<symbol, unknown>)[OTEL_GLOBALS], undefined, 'no tracer provider, context manager or propagator registered')
})

t.test('with tracing off, a tracer provider someone else registered records nothing of the gateway', async (t) => {
  // As an agent preloaded into the process would: an SDK with its context manager, before the gateway starts.
  const { InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace')
  const { startTracingSdk } = await import('../../src/tracing/sdk.js')
  const exporter = new InMemorySpanExporter()
  const sdk = startTracingSdk({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })
  t.teardown(async () => { await sdk.shutdown() })
  const { trace } = await import('@opentelemetry/api')
  trace.getTracer('probe').startSpan('probe').end()
  for (let i = 0; i < 50 && exporter.getFinishedSpans().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(exporter.getFinishedSpans().length, 1, 'the provider records what is traced')
  const registered = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[OTEL_GLOBALS]
  t.ok(registered?.context !== undefined && registered.trace !== undefined, 'a context manager and a tracer provider are registered')
  exporter.reset()

  const { app } = await wholeSession(t, {})
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal(app.tracing, undefined)
  t.same(exporter.getFinishedSpans().map((span) => span.name), [], 'no span from the gateway')

  // The same count, with tracing on, sees the plugin's hooks: the check above could have failed.
  const on = await startStack(t, { env: { OTEL_TRACES_EXPORTER: 'otlp' } })
  t.same(hookNames(on.app).filter((name) => TRACING_HOOKS.includes(name)).sort(), [...TRACING_HOOKS].sort())
  t.equal(hookNames(on.app).length, offHooks + TRACING_HOOKS.length, 'on adds these four hooks and nothing else; off, none')
})
