import type { LoggerOptions } from 'pino'

/**
 * Keys that may hold a credential or personal data, wherever they appear in a
 * logged object. Redaction only sees keys, so messages never interpolate values.
 */
const SECRET_KEYS = [
  'idToken', 'accessToken', 'refreshToken', 'id_token', 'access_token', 'refresh_token',
  'logout_token', 'code', 'codeVerifier', 'nonce', 'state', 'password', 'clientSecret',
  'nationalNumber', 'address', 'claims', 'tokens', 'session'
]

const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`)
]

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
          path: request.url.split('?', 1)[0],
          reqId: request.id,
          remoteAddress: request.ip
        }
      }
    }
  }
}
