import type { RedisOptions } from 'bullmq';
import { Redis, type RedisOptions as IORedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** redis:// or rediss:// URL (REDIS_URL). */
  url: string;
  /**
   * Workers block on Redis and must never give up on a command: BullMQ requires maxRetriesPerRequest null.
   * Producers (the bot adding jobs) fail fast instead, so a request never hangs while Redis is down.
   */
  role: 'worker' | 'producer';
  /** Longest wait between reconnect attempts, ms. */
  maxReconnectDelayMs?: number;
  /** Connection name shown by CLIENT LIST. */
  name?: string;
}

/** Reconnect forever with capped exponential backoff: 100 ms, 200 ms, … up to the cap. */
export function reconnectDelay(times: number, maxMs = 10_000): number {
  return Math.min(maxMs, 100 * 2 ** Math.min(times, 10));
}

/** ioredis options for BullMQ (BullMQ creates its own connections from these). */
export function redisOptions(opts: RedisConnectionOptions): RedisOptions {
  const u = new URL(opts.url);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  const base: RedisOptions = {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    connectionName: opts.name,
    lazyConnect: false,
    retryStrategy: (times: number) => reconnectDelay(times, opts.maxReconnectDelayMs),
  };
  if (opts.role === 'worker') return { ...base, maxRetriesPerRequest: null, enableReadyCheck: true };
  return { ...base, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
}

export function createRedis(opts: RedisConnectionOptions): Redis {
  return new Redis(redisOptions(opts) as IORedisOptions);
}
