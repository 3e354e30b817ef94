import t from 'tap'
import { loadConfig, type Env } from '../../src/config/index.js'
import { readTracing } from '../../src/config/tracing.js'

const COLLECTOR = 'http://otel-collector:4318'

t.test('tracing is on only when an exporter or an OTLP endpoint is named, and not switched off', async (t) => {
  const rows: Array<[string, Env, boolean, string[]]> = [
    ['nothing set: off', {}, false, []],
    ['empty values count as unset', { OTEL_TRACES_EXPORTER: '', OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, false, []],
    ['a service name alone names no exporter: off', { OTEL_SERVICE_NAME: 'gateway' }, false, []],
    ['a sampler alone: off', { OTEL_TRACES_SAMPLER: 'always_on' }, false, []],
    ['an OTLP endpoint: on, with the SDK\'s default exporter', { OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR }, true, ['otlp']],
    ['an OTLP traces endpoint: on', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${COLLECTOR}/v1/traces` }, true, ['otlp']],
    ['an exporter named: on', { OTEL_TRACES_EXPORTER: 'console' }, true, ['console']],
    ['several, spaces and repeats allowed', { OTEL_TRACES_EXPORTER: 'otlp, zipkin,otlp' }, true, ['otlp', 'zipkin']],
    ['the exporter none: off, whatever the endpoint', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR }, false, []],
    ['OTEL_SDK_DISABLED=true: off', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR }, false, []],
    ['OTEL_SDK_DISABLED in any case, as the SDK reads it', { OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' }, false, []],
    ['OTEL_SDK_DISABLED=false changes nothing', { OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'otlp' }, true, ['otlp']]
  ]
  for (const [name, env, enabled, exporters] of rows) {
    t.same(readTracing(env), { enabled, exporters }, name)
  }
  t.same(loadConfig({}).tracing, { enabled: false, exporters: [] }, 'loadConfig reads it')
  t.ok(Object.isFrozen(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing.exporters), 'frozen with the rest')
})

t.test('a value the SDK would only warn about stops start-up, naming the variable and never echoing the value', async (t) => {
  const rows: Array<[string, Env, RegExp]> = [
    ['an unknown exporter', { OTEL_TRACES_EXPORTER: 'jaeger' }, /^OTEL_TRACES_EXPORTER must be none, or a comma-separated list of otlp, console and zipkin$/],
    ['none with another (the SDK would trace with otlp)', { OTEL_TRACES_EXPORTER: 'none,zipkin' }, /^OTEL_TRACES_EXPORTER must be/],
    ['an exporter in capitals', { OTEL_TRACES_EXPORTER: 'OTLP' }, /^OTEL_TRACES_EXPORTER must be/],
    ['an empty entry', { OTEL_TRACES_EXPORTER: 'otlp,' }, /^OTEL_TRACES_EXPORTER must be/],
    ['a disabled flag that is neither', { OTEL_SDK_DISABLED: 'yes' }, /^OTEL_SDK_DISABLED must be true or false$/],
    ['an endpoint that is no URL', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://[otel-collector]:4318x' }, /^OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute URL$/],
    ['an endpoint that is not http', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://user:hunter22@collector/' }, /^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http or https URL/],
    ['a bad endpoint while tracing is off is still refused', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'file:///etc/passwd' }, /^OTEL_EXPORTER_OTLP_ENDPOINT must be an http or https URL/],
    ['the other endpoint is checked too', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${COLLECTOR}/v1/traces`, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' }, /^OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute URL$/]
  ]
  for (const [name, env, message] of rows) {
    const error = t.throws(() => loadConfig(env), { name: 'ConfigError', message }, name) as Error | undefined
    t.notMatch(error?.message ?? '', /hunter22|jaeger|passwd|4318x/, `${name}: the value is not repeated`)
  }
})
