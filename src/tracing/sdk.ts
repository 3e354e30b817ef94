import { setTimeout as sleep } from 'node:timers/promises'
import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api'
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources'
import { NodeSDK } from '@opentelemetry/sdk-node'

/**
 * The OpenTelemetry Node SDK, for traces only. Imported by src/server.ts
 * only when tracing is on (config/tracing.ts): its packages, its context
 * manager and its propagator never load otherwise.
 */
export interface TracingSdk {
  /** Where the SDK's own warnings and errors go (a failed export, say): the gateway's log, at warn (the caller names the module). */
  reportTo (log: SdkLogger): void
  /** Exports what is still queued, waiting at most `timeoutMs`; false when that ran out. Then unregisters it all. */
  shutdown (timeoutMs?: number): Promise<boolean>
}

export interface SdkLogger {
  warn (obj: object, msg: string): void
}

type SdkOptions = NonNullable<ConstructorParameters<typeof NodeSDK>[0]>

export interface TracingSdkOptions {
  /** Instead of the exporters OTEL_TRACES_EXPORTER names (tests record spans in memory). */
  readonly spanProcessors?: SdkOptions['spanProcessors']
}

/** Long enough for one export to a collector that answers; short beside the 10 s shutdown grace. */
const SHUTDOWN_TIMEOUT_MS = 3000
/** A collector's error answer is quoted in the SDK's message; a line need not hold all of it. */
const MAX_DETAIL = 500

/**
 * Starts the SDK as the standard OTEL_* variables configure it (exporter,
 * endpoint, protocol, headers, sampler, propagators, batch sizes, resource
 * attributes), read by the SDK itself. Only traces: the gateway's metrics
 * are Prometheus at /metrics and its logs go to stdout, so no metric reader
 * and no log processor is set up whatever OTEL_METRICS_EXPORTER or
 * OTEL_LOGS_EXPORTER say. No instrumentation either: the gateway makes its
 * own spans (src/tracing/tracer.ts), with attributes it chose.
 */
export function startTracingSdk (options: TracingSdkOptions = {}): TracingSdk {
  const sdk = new NodeSDK({
    // The detectors (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, host, process) are merged over this.
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': 'eid-bff-gateway' })),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    ...(options.spanProcessors === undefined ? {} : { spanProcessors: options.spanProcessors })
  })
  sdk.start()

  return {
    reportTo (log) {
      const report = (message: unknown): void => {
        log.warn({ detail: String(message).slice(0, MAX_DETAIL) }, 'the tracing SDK reported a problem')
      }
      const quiet = (): void => {}
      diag.setLogger({ error: report, warn: report, info: quiet, debug: quiet, verbose: quiet }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true })
    },

    async shutdown (timeoutMs = SHUTDOWN_TIMEOUT_MS) {
      const stopping = new AbortController()
      const flushed = await Promise.race([
        sdk.shutdown().then(() => true, () => false),
        sleep(timeoutMs, false, { signal: stopping.signal }).catch(() => false)
      ])
      stopping.abort()
      trace.disable()
      context.disable()
      propagation.disable()
      diag.disable()
      return flushed
    }
  }
}
