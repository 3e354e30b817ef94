import { createRequire } from 'node:module'
import type { LoggerOptions } from 'pino'

/**
 * Keys that may hold a credential or personal data, wherever they appear in a
 * logged object. Redaction only sees keys, so messages never interpolate values.
 */
const SECRET_KEYS = [
  'idToken', 'accessToken', 'refreshToken', 'id_token', 'access_token', 'refresh_token',
  'logout_token', 'code', 'codeVerifier', 'nonce', 'state', 'password', 'clientSecret', 'privateJwk',
  'nationalNumber', 'nationalId', 'address', 'claims', 'tokens', 'session'
]

const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`)
]

/** A path that might name a user, however it is spelled: `users`, or any percent-escape. */
const MAY_NAME_A_USER = /users|%/i
const ESCAPE = /%([0-9a-f]{2})/gi
/** Escapes within escapes (`%2575` is `%75` is `u`) are undone this many times; deeper ones are redacted whole. */
const DECODE_ROUNDS = 3

/** Percent-escapes undone byte by byte, as Latin-1: never throws, and enough to find an ASCII word. */
function decodeBytes (path: string): string {
  return path.replace(ESCAPE, (_escape, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}

/**
 * The path to log: no query (/callback's holds the authorization code and
 * state), and nothing after `users`, since service lookups name the user
 * there and subjects are personal data. The line is written before any hook
 * runs, so this must hold for every raw form, not only the one the route
 * matches: absolute-form (`http://host/internal/users/…`), dot segments and
 * doubled slashes (`/internal/../internal//users/…`), escapes in any case and
 * nested (`/%69nternal/%2575sers/…`), encoded slashes and backslashes. The
 * word is sought in the decoded path, so no spelling hides it.
 */
export function loggedPath (url: string): string {
  const end = url.search(/[?#]/)
  const path = end === -1 ? url : url.slice(0, end)
  if (!MAY_NAME_A_USER.test(path)) return path
  let decoded = path
  for (let round = 0; round < DECODE_ROUNDS && decoded.includes('%'); round++) decoded = decodeBytes(decoded)
  const users = decoded.search(/users/i)
  if (users !== -1) return users + 5 === decoded.length ? decoded : `${decoded.slice(0, users + 5)}/[redacted]`
  const deeper = decoded.search(ESCAPE)
  return deeper === -1 ? path : `${decoded.slice(0, deeper)}[redacted]`
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
      // The default serializer logs the whole URL.
      req (request: LoggedRequest) {
        return {
          method: request.method,
          path: loggedPath(request.url),
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
