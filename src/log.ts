import { createRequire } from 'node:module'
import type { LoggerOptions } from 'pino'

/**
 * Keys that may hold a credential or personal data, wherever they appear in a
 * logged object. Redaction only sees keys, so messages never interpolate values.
 */
const SECRET_KEYS = [
  'idToken', 'accessToken', 'refreshToken', 'id_token', 'access_token', 'refresh_token',
  'logout_token', 'code', 'codeVerifier', 'nonce', 'state', 'password', 'clientSecret',
  'nationalNumber', 'nationalId', 'address', 'claims', 'tokens', 'session'
]

const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`)
]

/** Service lookups name the user in their path; subjects are personal data. */
function withoutSubject (path: string): string {
  return path.replace(/^\/internal\/users\/[^/]*/, '/internal/users/[redacted]')
}

interface LoggedRequest {
  method: string
  url: string
  id?: string
  ip?: string
}

/** The single logger configuration used by the gateway (and by tests that capture its output). */
export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // The default serializer logs the whole URL, and /callback's query holds the
      // authorization code and state.
      req (request: LoggedRequest) {
        return {
          method: request.method,
          path: withoutSubject(request.url.split('?', 1)[0] ?? ''),
          reqId: request.id,
          remoteAddress: request.ip
        }
      }
    }
  }
}

export interface LogOutputOptions {
  readonly production: boolean
  /** Where tests capture lines; JSON, always. */
  readonly stream?: NodeJS.WritableStream
  /** Whether a person reads stdout: colours and one line per entry for them. */
  readonly terminal?: boolean
}

export type LogOutput =
  | { stream: NodeJS.WritableStream }
  | { transport: { target: string, options: Record<string, unknown> } }

/**
 * JSON lines on stdout, for log pipelines: always in production, and whenever
 * stdout is not a terminal. A developer at a terminal gets pino-pretty, a
 * development dependency that a production install leaves out (then JSON too).
 */
export function logOutput ({ production, stream, terminal = process.stdout.isTTY === true }: LogOutputOptions): LogOutput {
  if (stream !== undefined) return { stream }
  const pretty = production || !terminal ? undefined : prettyTarget()
  if (pretty === undefined) return { stream: process.stdout }
  return { transport: { target: pretty, options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true } } }
}

function prettyTarget (): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('pino-pretty')
  } catch {
    return undefined
  }
}
