import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../src/config.js';
import type { DataSubject, PersonalDataSource } from '../src/directory/personal-data.js';
import { createRedis, redisOptions } from './connection.js';
import { personRecipient } from './notification-job.js';
import { NOTIFY_QUEUE } from './queue-names.js';

export interface JobsPersonalDataOptions {
  /** How long to wait for Redis before giving up (ms, default 3 s). */
  connectTimeoutMs?: number;
}

/** The part of a send job's id that names its recipient: "|person:12|" as BullMQ stores it (URI-encoded). */
function personPart(personId: number): string {
  return encodeURIComponent(`|${personRecipient(personId)}|`);
}

const STATE_LISTS = ['wait', 'paused', 'active'];
const STATE_ZSETS = ['completed', 'failed', 'delayed', 'prioritized', 'waiting-children'];
const MAX_SCAN_ROUNDS = 100_000;
const EVENT_PAGE = 1_000;
const MAX_EVENT_PAGES = 1_000;

/**
 * Personal data in Redis: BullMQ send jobs for one person (reminders, nudges, digests to "person:<id>"), kept 14 days
 * after completion and 90 after failure, plus their entries in the queue's event stream. Export lists the jobs; erase
 * removes them (job, logs, state sets, events). Channel digests and scheduled runs carry no personal data.
 */
export function notificationJobsPersonalData(
  config: Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX'>,
  opts: JobsPersonalDataOptions = {},
): PersonalDataSource & { close(): Promise<void> } {
  const base = `${config.QUEUE_PREFIX}:${NOTIFY_QUEUE}:`;
  let redis: Redis | undefined;
  let queue: Queue | undefined;

  async function connect(): Promise<Redis> {
    if (redis?.status === 'ready') return redis;
    if (!redis) {
      redis = createRedis({ url: config.REDIS_URL, role: 'producer', name: 'camden-personal-data', maxReconnectDelayMs: 1_000 });
      // Failures surface as the timeout below, with a message for the person running the command.
      redis.on('error', () => undefined);
    }
    const r = redis;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`Redis at ${safeUrl(config.REDIS_URL)} did not answer within ${opts.connectTimeoutMs ?? 3_000} ms`)), opts.connectTimeoutMs ?? 3_000);
      const onReady = () => done();
      function done(err?: Error) {
        clearTimeout(timer);
        r.off('ready', onReady);
        if (err) reject(err);
        else resolve();
      }
      if (r.status === 'ready') done();
      else r.on('ready', onReady);
    });
    return r;
  }

  /** Ids of this person's send jobs, from the keys of the jobs themselves (a job id never holds a ':'). */
  async function jobIds(subject: DataSubject): Promise<string[]> {
    if (subject.keys.personId === null) return [];
    const r = await connect();
    const ids = new Set<string>();
    let cursor = '0';
    for (let round = 0; round < MAX_SCAN_ROUNDS; round++) {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${base}*${personPart(subject.keys.personId)}*`, 'COUNT', 1000);
      for (const key of keys) ids.add(key.slice(base.length).split(':')[0]!);
      cursor = next;
      if (cursor === '0') break;
    }
    return [...ids].sort();
  }

  /** Event-stream entries that mention one of these jobs. */
  async function eventEntries(r: Redis, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const wanted = new Set(ids);
    const found: string[] = [];
    let start = '-';
    for (let page = 0; page < MAX_EVENT_PAGES; page++) {
      const entries = (await r.xrange(`${base}events`, start, '+', 'COUNT', EVENT_PAGE)) as [string, string[]][];
      for (const [id, fields] of entries) if (fields.some((v) => wanted.has(v))) found.push(id);
      if (entries.length < EVENT_PAGE) break;
      start = `(${entries[entries.length - 1]![0]}`;
    }
    return found;
  }

  return {
    name: `redis:${NOTIFY_QUEUE}`,

    async export(subject) {
      const r = await connect();
      const out: Record<string, unknown>[] = [];
      for (const id of await jobIds(subject)) {
        const h = await r.hgetall(`${base}${id}`);
        if (!Object.keys(h).length) continue;
        const json = (v: string | undefined) => {
          try {
            return v === undefined ? null : (JSON.parse(v) as unknown);
          } catch {
            return v;
          }
        };
        out.push({
          key: `${base}${id}`,
          jobId: decodeURIComponent(id),
          name: h.name ?? null,
          data: json(h.data),
          createdAt: h.timestamp ? new Date(Number(h.timestamp)).toISOString() : null,
          finishedAt: h.finishedOn ? new Date(Number(h.finishedOn)).toISOString() : null,
          attempts: h.attemptsMade ? Number(h.attemptsMade) : 0,
          result: json(h.returnvalue),
          failedReason: h.failedReason ?? null,
        });
      }
      return out;
    },

    async erase(subject) {
      const r = await connect();
      const ids = await jobIds(subject);
      if (!ids.length) return 0;
      queue ??= new Queue(NOTIFY_QUEUE, { connection: redisOptions({ url: config.REDIS_URL, role: 'producer', name: 'camden-personal-data-queue' }), prefix: config.QUEUE_PREFIX });
      let removed = 0;
      for (const id of ids) {
        // BullMQ's own removal (job, logs, state sets); a job it will not remove (locked by a worker right now) is
        // removed by hand: its worker then finds nothing to finish, and the send itself checks the person first.
        if ((await queue.remove(id).catch(() => 0)) !== 1) {
          const multi = r.multi().del(`${base}${id}`, `${base}${id}:logs`, `${base}${id}:lock`);
          for (const s of STATE_LISTS) multi.lrem(`${base}${s}`, 0, id);
          for (const s of STATE_ZSETS) multi.zrem(`${base}${s}`, id);
          await multi.exec();
        }
        removed++;
      }
      const events = await eventEntries(r, ids);
      for (let i = 0; i < events.length; i += 500) await r.xdel(`${base}events`, ...events.slice(i, i + 500));
      return removed;
    },

    async close() {
      await queue?.close().catch(() => undefined);
      redis?.disconnect();
    },
  };
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = u.password ? '***' : '';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}
