import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import autoload from '@fastify/autoload'
import type { Config } from './config.js'
import { loggerOptions } from './log.js'

export interface BuildOptions {
  readonly config: Config
  /** Where log lines go (tests capture them); stdout by default. */
  readonly logStream?: NodeJS.WritableStream
}

const root = join(fileURLToPath(import.meta.url), '..', '..')

/** The whole gateway, as the server runs it and as tests build it. */
export async function buildApp ({ config, logStream }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { ...loggerOptions(config.logLevel), stream: logStream ?? process.stdout },
    trustProxy: config.trustProxy,
    // Query strings and headers stay small; nothing here needs more.
    bodyLimit: 64 * 1024,
    requestIdHeader: false,
    routerOptions: { maxParamLength: 200 }
  })
  await app.register(autoload, { dir: join(root, 'plugins'), options: { config } })
  await app.register(autoload, { dir: join(root, 'routes') })
  return app
}
