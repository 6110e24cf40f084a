import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

let n = 0;
/** A BullMQ prefix unique to this test run, worker process and call. */
export function uniquePrefix(): string {
  return `test-${process.env.TEST_RUN_ID ?? 'local'}-${process.pid}-${++n}`;
}

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testConfig(prefix: string, extra: Record<string, string> = {}) {
  return loadConfig({ REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', ...extra } as NodeJS.ProcessEnv);
}

export const silentLogger = createLogger(process.env.LOG_LEVEL ?? 'silent', 'jobs-test');

/** Delete every key under a BullMQ prefix (simulates Redis losing this deployment's data without touching others). */
export async function deletePrefix(prefix: string, url = REDIS_URL): Promise<number> {
  const redis = new Redis(url);
  try {
    let deleted = 0;
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** Wait (bounded) until none of the queues has waiting, active, retry-delayed or prioritised jobs. */
export async function waitForIdle(queues: Queue[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idleReadings = 0;
  for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
    let busy = 0;
    for (const q of queues) {
      const c = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
      busy += Object.values(c).reduce((a, b) => a + b, 0);
      // Delayed jobs count (retries with backoff), except each job scheduler's next run.
      const delayed = await q.getDelayed(0, 1000);
      busy += delayed.filter((j) => !j.repeatJobKey).length;
    }
    // Counts and the delayed list are read separately, so a job moving between states can slip past one
    // reading: require three idle readings in a row.
    idleReadings = busy === 0 ? idleReadings + 1 : 0;
    if (idleReadings >= 3) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`queues still busy after ${timeoutMs} ms`);
}

