/**
 * The small protocol between the benchmark and the servers it starts: each
 * server runs in a child process of its own (so it has a core to itself while
 * autocannon runs in the parent), says `ready` with its addresses, answers
 * named requests (counters, for instance) and stops on `stop`.
 */
export interface Message {
  readonly id?: number
  readonly type: string
  readonly [key: string]: unknown
}

export type Handlers = Record<string, (message: Message) => unknown>

/** In a child: answers the parent's requests; `stop` runs `close` and exits, so --cpu-prof can write its profile. */
export function serveParent (ready: Record<string, unknown>, handlers: Handlers, close: () => Promise<void>): void {
  const send = (message: Message): void => {
    if (process.connected) process.send?.(message)
  }
  process.on('message', (message: Message) => {
    if (message.type === 'stop') {
      void close().finally(() => process.exit(0))
      return
    }
    const handler = handlers[message.type]
    Promise.resolve()
      .then(() => {
        if (handler === undefined) throw new Error(`no handler for ${message.type}`)
        return handler(message)
      })
      .then((value) => send({ id: message.id, type: 'reply', value }),
        (error: unknown) => send({ id: message.id, type: 'reply', error: String((error as Error).stack ?? error) }))
  })
  // The parent went away (Ctrl-C, crash): do not linger.
  process.on('disconnect', () => { void close().finally(() => process.exit(0)) })
  send({ type: 'ready', ...ready })
}

/** In a child: reports a start-up failure to the parent and exits. */
export function failStart (error: unknown): void {
  const exit = (): never => process.exit(1)
  if (process.send === undefined) {
    console.error(error)
    exit()
  }
  process.send?.({ type: 'failed', error: String((error as Error).stack ?? error) }, exit)
}

/** The JSON arguments the parent gave this child. */
export function childArgs<T> (): T {
  return JSON.parse(process.argv[2] ?? '{}') as T
}
