export interface RetryOptions {
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  readonly signal: AbortSignal
  readonly onFailure: (attempt: number, delayMs: number, error: unknown) => void
}

/**
 * Calls `attempt` until it resolves, waiting with exponential backoff and
 * jitter between failures; stops (rejecting with the abort reason) once the
 * signal aborts. Used for discovery: a provider that starts after the gateway
 * must not need a gateway restart.
 */
export async function retryWithBackoff<T> (attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let n = 1; ; n++) {
    options.signal.throwIfAborted()
    try {
      return await attempt()
    } catch (error) {
      options.signal.throwIfAborted()
      const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (n - 1))
      const delayMs = Math.round(base / 2 + Math.random() * base / 2)
      options.onFailure(n, delayMs, error)
      await sleep(delayMs, options.signal)
    }
  }
}

function sleep (ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
