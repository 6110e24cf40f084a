import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import { JITTERED_BACKOFF } from './backoff.js';
import type { ScheduledJobName } from './queue-names.js';

export interface ScheduleDefinition {
  /** Job scheduler id (stable across processes and restarts) and job name. */
  id: ScheduledJobName;
  /** Five-field cron, in `tz`. */
  pattern: string;
  tz: string;
}

/** The four schedules, from REMINDER_CRON, NUDGE_CRON, DIGEST_CRON and HOUSEKEEPING_CRON in SCHEDULE_TIMEZONE. */
export function scheduleDefinitions(
  config: Pick<Config, 'REMINDER_CRON' | 'NUDGE_CRON' | 'DIGEST_CRON' | 'HOUSEKEEPING_CRON' | 'SCHEDULE_TIMEZONE'>,
): ScheduleDefinition[] {
  const tz = config.SCHEDULE_TIMEZONE;
  return [
    { id: 'reminder', pattern: config.REMINDER_CRON, tz },
    { id: 'nudge', pattern: config.NUDGE_CRON, tz },
    { id: 'digest', pattern: config.DIGEST_CRON, tz },
    { id: 'housekeeping', pattern: config.HOUSEKEEPING_CRON, tz },
  ];
}

const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: JITTERED_BACKOFF },
  removeOnComplete: { age: 30 * 86_400, count: 500 },
  removeOnFail: { age: 90 * 86_400, count: 1000 },
};
const TEMPLATE_VERSION = createHash('sha256').update(JSON.stringify(JOB_OPTIONS)).digest('hex').slice(0, 16);

export interface ScheduleKeeperOptions {
  queue: Queue;
  schedules: ScheduleDefinition[];
  logger: Logger;
}

/**
 * Keeps the job schedulers in Redis. `upsertJobScheduler` is idempotent per id, so any number of processes
 * can register at start without duplicates. `ensure()` re-creates schedulers that are missing or differ
 * (Redis restarted without persistence, FLUSHALL, a changed cron); call it on reconnect and periodically.
 */
export class ScheduleKeeper {
  private running: Promise<number> | null = null;
  private registered = false;

  constructor(private readonly opts: ScheduleKeeperOptions) {}

  /**
   * At start: create missing schedules and apply changed crons. Schedules already in place are left alone:
   * upserting one replaces its pending job, so a process starting just after 14:00 on Friday, before a worker took
   * that slot's job, would cancel the week's reminder.
   */
  async registerAll(): Promise<void> {
    await this.ensure();
    this.registered = true;
  }

  /** Upsert only missing or changed schedules; returns how many were (re)created. Never runs twice at once. */
  ensure(): Promise<number> {
    this.running ??= this.ensureOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async ensureOnce(): Promise<number> {
    let created = 0;
    for (const s of this.opts.schedules) {
      const existing = await this.opts.queue.getJobScheduler(s.id);
      // The template's version travels in its data: a release that changes the jobs' options updates them.
      const template = (existing?.template?.data as { template?: string } | undefined)?.template;
      const same = existing && existing.pattern === s.pattern && existing.tz === s.tz && existing.next !== undefined && template === TEMPLATE_VERSION;
      // A scheduler whose pending job was deleted (e.g. by hand in the dashboard) would never fire again.
      if (same && (await this.opts.queue.getJob(`repeat:${s.id}:${existing.next}`))) continue;
      await this.upsert(s);
      created++;
      const fields = { schedule: s.id, pattern: s.pattern, tz: s.tz };
      if (existing) this.opts.logger.info(fields, 'job schedule changed; updated');
      else if (this.registered) this.opts.logger.warn(fields, 'job schedule missing in Redis; re-created');
      else this.opts.logger.info(fields, 'job schedule registered');
    }
    return created;
  }

  private async upsert(s: ScheduleDefinition): Promise<void> {
    await this.opts.queue.upsertJobScheduler(s.id, { pattern: s.pattern, tz: s.tz }, { name: s.id, data: { template: TEMPLATE_VERSION }, opts: JOB_OPTIONS });
  }
}
