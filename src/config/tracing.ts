import { ConfigError } from '../errors.js'
import { readAbsoluteUrl, readString, type Env } from './readers.js'

/** The span exporters the OpenTelemetry Node SDK sets up from OTEL_TRACES_EXPORTER. */
const EXPORTERS = ['otlp', 'console', 'zipkin'] as const
export type TraceExporter = typeof EXPORTERS[number]

export interface TracingConfig {
  /**
   * Whether the gateway starts the OpenTelemetry SDK and traces requests.
   * Off, nothing of OpenTelemetry is loaded: no SDK, no context manager, no hook.
   */
  readonly enabled: boolean
  /** The exporters the SDK will set up; empty when off. */
  readonly exporters: readonly TraceExporter[]
}

const OFF: TracingConfig = { enabled: false, exporters: [] }

/**
 * Whether tracing is on, from the standard OTEL_* variables: an exporter
 * named in OTEL_TRACES_EXPORTER, or an OTLP endpoint (the SDK's default
 * exporter is then OTLP). Off when neither is set, when the exporter is
 * `none`, or with OTEL_SDK_DISABLED=true. The SDK reads every OTEL_*
 * variable itself; these are read here only to decide, and to refuse a
 * value the SDK would only warn about.
 */
export function readTracing (env: Env): TracingConfig {
  const disabled = readSdkDisabled(env)
  const listed = readExporters(env)
  // Both endpoints are checked even when tracing ends up off: a typo should not wait for the day it is switched on.
  const tracesEndpoint = readEndpoint(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')
  const endpoint = readEndpoint(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')
  if (disabled || listed === 'none') return OFF
  if (listed !== undefined) return { enabled: true, exporters: listed }
  return tracesEndpoint === undefined && endpoint === undefined ? OFF : { enabled: true, exporters: ['otlp'] }
}

/** The SDK's own reading: `true` in any case switches it off; anything but true or false is a mistake. */
function readSdkDisabled (env: Env): boolean {
  const raw = readString(env, 'OTEL_SDK_DISABLED')?.toLowerCase()
  if (raw === undefined || raw === 'false') return false
  if (raw === 'true') return true
  throw new ConfigError('OTEL_SDK_DISABLED must be true or false')
}

function readExporters (env: Env): readonly TraceExporter[] | 'none' | undefined {
  const raw = readString(env, 'OTEL_TRACES_EXPORTER')
  if (raw === undefined) return undefined
  const names = [...new Set(raw.split(',').map((name) => name.trim()))]
  if (names.length === 1 && names[0] === 'none') return 'none'
  // The SDK would trace with otlp for `none,zipkin` and skip names it does not know, with a warning nobody reads.
  if (!names.every((name): name is TraceExporter => (EXPORTERS as readonly string[]).includes(name))) {
    throw new ConfigError('OTEL_TRACES_EXPORTER must be none, or a comma-separated list of otlp, console and zipkin')
  }
  return names
}

/** An http or https URL. Never echoed: a collector's URL may carry credentials. */
function readEndpoint (env: Env, name: string): URL | undefined {
  const url = readAbsoluteUrl(env, name)
  if (url !== undefined && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http or https URL, such as http://otel-collector:4318`)
  }
  return url
}
