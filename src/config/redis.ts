import { ConfigError } from '../errors.js'
import { readAbsoluteUrl, readHostList, readString, type Env, type HostPort } from './readers.js'

/** The Redis the sessions, one-time values, locks and rate limits share (SESSION_STORE=redis). */
export interface RedisSettings {
  /** A standalone server; with sentinels or cluster nodes, only its credentials, TLS and database count. */
  readonly url: URL
  /** Prefix of every key the gateway writes, so several deployments can share one Redis. */
  readonly keyPrefix: string
  /** With these, the primary is found through Sentinel. */
  readonly sentinels: readonly HostPort[] | undefined
  readonly sentinelName: string
  readonly sentinelPassword: string | undefined
  /** With these, the store talks to a Redis Cluster. */
  readonly clusterNodes: readonly HostPort[] | undefined
}

/** REDIS_*; read, and so checked, whichever store is chosen. */
export function readRedis (env: Env): RedisSettings {
  const url = readRedisUrl(env)
  const keyPrefix = readString(env, 'REDIS_KEY_PREFIX') ?? 'bff:'
  const sentinels = readHostList(env, 'REDIS_SENTINELS')
  const clusterNodes = readHostList(env, 'REDIS_CLUSTER_NODES')
  if (sentinels !== undefined && clusterNodes !== undefined) {
    throw new ConfigError('REDIS_SENTINELS and REDIS_CLUSTER_NODES exclude each other: Sentinel watches one primary, a Cluster shards across many')
  }
  return {
    url,
    keyPrefix,
    sentinels,
    sentinelName: readString(env, 'REDIS_SENTINEL_NAME') ?? 'mymaster',
    sentinelPassword: readString(env, 'REDIS_SENTINEL_PASSWORD'),
    clusterNodes
  }
}

function readRedisUrl (env: Env): URL {
  const url = readAbsoluteUrl(env, 'REDIS_URL') ?? new URL('redis://127.0.0.1:6379')
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL')
  }
  return url
}
