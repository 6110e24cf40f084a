import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import { jitteredBackoff, JITTERED_BACKOFF } from './backoff.js';
import { createRedis, redisOptions } from './connection.js';
import { fanOutDigest, fanOutReminders, type FanOutResult } from './fan-out.js';
import { runHousekeeping, type HousekeepingResult } from './housekeeping.js';
import type { NotificationJobData } from './notification-job.js';
import type { JobsServices } from './ports.js';
import { NOTIFY_QUEUE, SCHEDULE_QUEUE, type ScheduledJobName } from './queue-names.js';
import { QuietErrorLog } from './quiet-log.js';
import { ScheduleKeeper, scheduleDefinitions } from './schedules.js';
import { createSendProcessor, type SendOutcome, type SendProcessorOptions } from './send-notification.js';
import { runNotificationsNow } from './run-now.js';
import type { RunReport } from '../src/bot/admin.js';
import type { RunnableJob } from '../src/bot/admin-commands.js';

export type { JobsServices } from './ports.js';
export { runNotificationsNow } from './run-now.js';

export type JobsConfig = Pick<
  Config,
  | 'REDIS_URL'
  | 'QUEUE_PREFIX'
  | 'SCHEDULE_TIMEZONE'
  | 'REMINDER_CRON'
  | 'NUDGE_CRON'
  | 'DIGEST_CRON'
  | 'HOUSEKEEPING_CRON'
>;

export interface JobsDeps {
  config: JobsConfig;
  services: JobsServices;
  logger: Logger;
  /** Run the workers in this process (default true). False: queues and schedules only (bull-board, health). */
  workers?: boolean;
  /** Concurrent sends per process. */
  sendConcurrency?: number;
  /** How often to check that the schedules still exist in Redis (ms). */
  scheduleCheckMs?: number;
  /** Overrides for tests and benches. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Attempts per send job. */
  sendAttempts?: number;
  /** Used when a 429 carries no Retry-After (ms). */
  defaultRetryAfterMs?: number;
  /** How each notification attempt ended (the server feeds camden_notifications_total). */
  observeNotification?: SendProcessorOptions['observe'];
  now?: () => Date;
  /** Longest wait in close() for jobs in hand to finish (ms, default 20 s). */
  closeTimeoutMs?: number;
  /** How long a scheduled run waits for an unreachable database before failing (ms, default 10 minutes). */
  storeWaitMs?: number;
  /** BullMQ lock and stalled-job check (ms); defaults are BullMQ's (30 s). Tests shorten them. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export type RedisHealth = 'up' | 'down';

export interface JobsHandle {
  /** For bull-board. */
  readonly queues: Queue[];
  /** Redis as seen by this process, for /healthz. */
  redisStatus(): RedisHealth;
  /** Re-create missing or changed schedules now; returns how many. */
  ensureSchedules(): Promise<number>;
  /** Run a scheduled job once, now (as if it had fired at `at`, default now). */
  runNow(name: ScheduledJobName, at?: Date): Promise<Job>;
  /** `admin run`: the week's reminders, nudges or digest now, each at most once per recipient; waits and reports. */
  runNotificationsNow(job: RunnableJob, week: string | null): Promise<RunReport>;
  /** Stop taking jobs, finish the ones in hand, close every connection. */
  close(): Promise<void>;
}

export type ScheduledResult = FanOutResult | HousekeepingResult;

/** True when `p` settled within `ms`. */
async function withinMs(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** When a scheduled job was meant to fire: the scheduler's slot, not when a worker got round to it. */
function firedAt(job: Job<{ at?: string }>): Date {
  if (job.data?.at) return new Date(job.data.at);
  const prev = (job.opts as { prevMillis?: number }).prevMillis;
  return new Date(prev ?? job.timestamp + (job.opts.delay ?? 0));
}

/**
 * Start the job system: queues, schedules (upsertJobScheduler with SCHEDULE_TIMEZONE) and, unless
 * `workers: false`, the workers. Never throws or hangs because Redis is down: everything connects and
 * registers in the background, retries with capped backoff, and resumes when Redis is back.
 */
export async function startJobs(deps: JobsDeps): Promise<JobsHandle> {
  const { config, logger, services } = deps;
  const tz = config.SCHEDULE_TIMEZONE;
  const prefix = config.QUEUE_PREFIX;
  const log = logger.child({ component: 'jobs' });
  const redisLog = new QuietErrorLog({ logger: log, subject: 'redis' });
  const producer = (name: string) => redisOptions({ url: config.REDIS_URL, role: 'producer', name });
  const workerConn = (name: string) => redisOptions({ url: config.REDIS_URL, role: 'worker', name });

  const scheduleQueue = new Queue(SCHEDULE_QUEUE, { connection: producer('camden-schedules'), prefix });
  const notifyQueue = new Queue<NotificationJobData>(NOTIFY_QUEUE, { connection: producer('camden-notify'), prefix });
  for (const q of [scheduleQueue, notifyQueue]) q.on('error', (err) => redisLog.error(err, `queue:${q.name}`));

  const keeper = new ScheduleKeeper({ queue: scheduleQueue, schedules: scheduleDefinitions(config), logger: log });

  // A separate connection watches Redis: its status feeds /healthz, its 'ready' (after any reconnect) re-checks
  // the schedules, because a Redis that restarted without persistence comes back empty.
  const monitor: Redis = createRedis({ url: config.REDIS_URL, role: 'producer', name: 'camden-jobs-monitor' });
  let closing = false;
  let registered = false;
  // The queue's own connection may reconnect a moment after the monitor's: a failed check right after 'ready'
  // is retried shortly (bounded), not left to the periodic check, which may come after a schedule's slot.
  const ensureQuietly = (retriesLeft = 0) => {
    if (closing || monitor.status !== 'ready') return;
    const task = registered ? keeper.ensure() : keeper.registerAll().then(() => ((registered = true), 0));
    task.catch((err) => {
      redisLog.error(err, 'schedules');
      if (retriesLeft > 0 && !closing) setTimeout(() => ensureQuietly(retriesLeft - 1), 500).unref();
    });
  };
  monitor.on('error', (err) => redisLog.error(err, 'monitor'));
  monitor.on('ready', () => {
    redisLog.recovered();
    ensureQuietly(20);
  });
  const timer = setInterval(() => ensureQuietly(), deps.scheduleCheckMs ?? 60_000);
  timer.unref();

  const workers: Worker[] = [];
  if (deps.workers !== false) {
    const fanOut = { services, notifyQueue, timeZone: tz, reminderCron: deps.config.REMINDER_CRON, sendAttempts: deps.sendAttempts };
    const stallOptions = {
      ...(deps.lockDurationMs ? { lockDuration: deps.lockDurationMs } : {}),
      ...(deps.stalledIntervalMs ? { stalledInterval: deps.stalledIntervalMs } : {}),
    };
    const jittered = jitteredBackoff(deps.backoff);
    const settings = {
      backoffStrategy: (attempts: number, type?: string) => (type === JITTERED_BACKOFF ? jittered(attempts) : 0),
    };

    // A weekly run or a queued send must not be lost to a database restart: while the store is unreachable the job
    // waits for it (bounded), instead of spending its few attempts within minutes. On shutdown it fails and is
    // retried later. Re-running a send is safe: its claim decides whether anything goes out.
    const storeWaitMs = deps.storeWaitMs ?? 10 * 60_000;
    const waitingForStore = async <T>(what: 'scheduled run' | 'notification', job: Job, run: () => Promise<T>): Promise<T> => {
      const deadline = Date.now() + storeWaitMs;
      for (let i = 0; ; i++) {
        try {
          return await run();
        } catch (err) {
          if ((err as { code?: unknown })?.code !== 'unavailable' || closing || Date.now() >= deadline) throw err;
          if (i === 0) log.warn({ job: job.id, name: job.name }, `database unreachable; the ${what} waits for it`);
          await new Promise((r) => setTimeout(r, 2_000));
        }
      }
    };

    const scheduleWorker = new Worker<{ at?: string }, ScheduledResult>(
      SCHEDULE_QUEUE,
      (job) => waitingForStore('scheduled run', job, async () => {
        const at = firedAt(job);
        switch (job.name as ScheduledJobName) {
          case 'reminder':
            return fanOutReminders('reminder', at, fanOut);
          case 'nudge':
            return fanOutReminders('nudge', at, fanOut);
          case 'digest':
            return fanOutDigest(at, fanOut);
          case 'housekeeping':
            return runHousekeeping(deps.now?.() ?? new Date(), { services, timeZone: tz, logger: log });
          default:
            throw new Error(`unknown scheduled job "${job.name}"`);
        }
      }),
      { connection: workerConn('camden-schedules-worker'), prefix, concurrency: 1, settings, ...stallOptions },
    );

    // eslint-disable-next-line prefer-const
    let sendWorker: Worker<NotificationJobData, SendOutcome>;
    const processor = createSendProcessor({
      services,
      timeZone: tz,
      reminderCron: deps.config.REMINDER_CRON,
      logger: log,
      rateLimit: (ms) => sendWorker.rateLimit(ms),
      defaultRetryAfterMs: deps.defaultRetryAfterMs,
      observe: deps.observeNotification,
    });
    sendWorker = new Worker<NotificationJobData, SendOutcome>(NOTIFY_QUEUE, (job) => waitingForStore('notification', job, () => processor(job)), {
      connection: workerConn('camden-notify-worker'),
      prefix,
      concurrency: deps.sendConcurrency ?? 4,
      // BullMQ enforces worker.rateLimit() (our pause for a 429's Retry-After) across workers only when a limiter is
      // set; this one is far above any real send rate, so it never limits by itself.
      limiter: { max: 1_000_000, duration: 1_000 },
      settings,
      ...stallOptions,
    });
    workers.push(scheduleWorker, sendWorker);

    for (const w of workers) {
      w.on('error', (err) => redisLog.error(err, `worker:${w.name}`));
      w.on('failed', (job, err) => {
        if (!job) return;
        const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
        log[final ? 'error' : 'warn']({ queue: w.name, job: job.id, name: job.name, attempts: job.attemptsMade, err: err.message }, final ? 'job failed' : 'job failed; will retry');
      });
      w.on('completed', (job, result) => log.debug({ queue: w.name, job: job.id, name: job.name, result }, 'job done'));
    }
  }

  return {
    queues: [scheduleQueue, notifyQueue],
    redisStatus: () => (monitor.status === 'ready' ? 'up' : 'down'),
    ensureSchedules: async () => {
      if (!registered) {
        await keeper.registerAll();
        registered = true;
        return 0;
      }
      return keeper.ensure();
    },
    runNotificationsNow: (job, week) =>
      runNotificationsNow(job, week, { services, notifyQueue, timeZone: tz, reminderCron: deps.config.REMINDER_CRON, sendAttempts: deps.sendAttempts, now: deps.now, logger: log }),
    runNow: (name, at = deps.now?.() ?? new Date()) => scheduleQueue.add(name, { at: at.toISOString() }, { removeOnComplete: 100, removeOnFail: 100 }),
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(timer);
      // With Redis up, let workers finish the jobs in hand. With Redis down there is nothing to finish cleanly
      // (BullMQ would wait for a reconnect), so force-close; either way the wait is bounded.
      const redisUp = monitor.status === 'ready';
      const limit = deps.closeTimeoutMs ?? 20_000;
      const workersClosed = await withinMs(Promise.allSettled(workers.map((w) => w.close(!redisUp))), redisUp ? limit : 1_000);
      const queuesClosed = await withinMs(Promise.allSettled([scheduleQueue.close(), notifyQueue.close()]), redisUp ? limit : 1_000);
      if (!workersClosed || !queuesClosed) {
        log.warn({ redisUp }, 'jobs did not close in time; disconnecting');
        await Promise.allSettled([...workers, scheduleQueue, notifyQueue].map((x) => x.disconnect()));
      }
      monitor.disconnect();
    },
  };
}

/**
 * `admin run` in a bot process that runs no jobs (JOBS_IN_PROCESS=false without ADMIN_PASSWORD): the notify queue
 * opened on first use, so the sends are queued for the workers elsewhere (`npm run worker`) and waited for.
 */
export function lazyNotificationsRunner(deps: Pick<JobsDeps, 'config' | 'services' | 'logger' | 'now'>): {
  runNotificationsNow(job: RunnableJob, week: string | null): Promise<RunReport>;
  close(): Promise<void>;
} {
  let queue: Queue<NotificationJobData> | null = null;
  return {
    runNotificationsNow(job, week) {
      if (!queue) {
        queue = new Queue<NotificationJobData>(NOTIFY_QUEUE, {
          connection: redisOptions({ url: deps.config.REDIS_URL, role: 'producer', name: 'camden-admin-run' }),
          prefix: deps.config.QUEUE_PREFIX,
        });
        queue.on('error', (err) => deps.logger.warn({ err: err.message }, 'admin run: job queue error'));
      }
      return runNotificationsNow(job, week, {
        services: deps.services,
        notifyQueue: queue,
        timeZone: deps.config.SCHEDULE_TIMEZONE,
        reminderCron: deps.config.REMINDER_CRON,
        now: deps.now,
        logger: deps.logger,
      });
    },
    async close() {
      await queue?.close().catch(() => undefined);
    },
  };
}
