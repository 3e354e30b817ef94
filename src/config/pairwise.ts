import { ConfigError } from '../errors.js'
import { readString, type Env } from './readers.js'

/**
 * PAIRWISE_SECRET keys the pairwise ids services know people by (forward
 * auth, the service API), else the first SESSION_SECRET. Its own setting
 * lets SESSION_SECRET rotate without changing every id a service stored.
 */
export function readPairwiseSecret (env: Env, sessionSecrets: readonly string[], production: boolean): string {
  const secret = readString(env, 'PAIRWISE_SECRET')
  if (secret === undefined) return sessionSecrets[0] as string
  if (secret.length < 32) throw new ConfigError('PAIRWISE_SECRET must be at least 32 characters')
  if (production && new Set(secret).size < 12) {
    throw new ConfigError('PAIRWISE_SECRET has too little variety; generate one, e.g. with: openssl rand -base64 48')
  }
  return secret
}
