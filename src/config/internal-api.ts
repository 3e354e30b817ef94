import { readPairwiseSecret } from './pairwise.js'
import { readSeconds, readString, type Env } from './readers.js'

/** The service-to-service claims API (`/internal/users/:sub/claims`); off without an audience. */
export interface InternalApiConfig {
  readonly audience: string | undefined
  /** How long a login's claims stay in the claims directory. */
  readonly claimsTtlSeconds: number
  /** Keys the pairwise ids a calling service knows people by. */
  readonly pairwiseSecret: string
}

/** INTERNAL_AUDIENCE (`fallbackAudience` when unset), and CLAIMS_TTL, by default as long as a session can live. */
export function readInternalApi (env: Env, fallbackAudience: string | undefined, sessionMaxAgeSeconds: number, sessionSecrets: readonly string[], production: boolean): InternalApiConfig {
  return {
    audience: readString(env, 'INTERNAL_AUDIENCE') ?? fallbackAudience,
    claimsTtlSeconds: readSeconds(env, 'CLAIMS_TTL', sessionMaxAgeSeconds),
    pairwiseSecret: readPairwiseSecret(env, sessionSecrets, production)
  }
}
