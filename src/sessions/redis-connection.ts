import { Cluster, Redis, type RedisOptions } from 'ioredis'
import type { RedisSettings } from '../config/redis.js'

export interface RedisConnectionSettings extends RedisSettings {
  /** A command that takes longer fails, so a slow Redis gives a 503, not a hang. */
  readonly commandTimeoutMs: number
}

export type RedisClient = Redis | Cluster

/**
 * One client for a standalone Redis, a Sentinel-managed primary or a Cluster,
 * all through ioredis's own options. While disconnected, commands fail at once
 * instead of queueing, and reconnecting is left to ioredis.
 */
export function connectRedis (settings: RedisConnectionSettings): RedisClient {
  const { url } = settings
  const connection: RedisOptions = {
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    tls: url.protocol === 'rediss:' ? {} : undefined,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: 2000,
    maxRetriesPerRequest: 1
  }
  const retry = (attempt: number): number => Math.min(attempt * 200, 2000)
  let client: RedisClient
  if (settings.clusterNodes !== undefined) {
    client = new Cluster(settings.clusterNodes.map(({ host, port }) => ({ host, port })), {
      keyPrefix: settings.keyPrefix,
      enableOfflineQueue: false,
      clusterRetryStrategy: retry,
      redisOptions: connection
    })
  } else if (settings.sentinels !== undefined) {
    client = new Redis({
      ...connection,
      sentinels: settings.sentinels.map(({ host, port }) => ({ host, port })),
      name: settings.sentinelName,
      sentinelPassword: settings.sentinelPassword,
      db: databaseOf(url),
      keyPrefix: settings.keyPrefix,
      enableOfflineQueue: false,
      retryStrategy: retry,
      sentinelRetryStrategy: retry
    })
  } else {
    client = new Redis(url.href, { ...connection, keyPrefix: settings.keyPrefix, enableOfflineQueue: false, retryStrategy: retry })
  }
  // Connection errors are reported here; the commands that fail meanwhile carry them to callers.
  client.on('error', () => {})
  return client
}

/** The database number in a redis:// URL's path, e.g. redis://host:6379/2. */
function databaseOf (url: URL): number {
  const db = Number(url.pathname.slice(1) || '0')
  return Number.isSafeInteger(db) && db >= 0 ? db : 0
}
