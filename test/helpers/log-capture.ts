import { Writable } from 'node:stream'

/** Collects every log line the gateway writes, to assert on (and to search for leaks). */
export class LogCapture extends Writable {
  readonly lines: string[] = []

  override _write (chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line !== '') this.lines.push(line)
    }
    callback()
  }

  get text (): string {
    return this.lines.join('\n')
  }

  entries (): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  }
}
