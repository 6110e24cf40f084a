import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { CronExpressionParser } from 'cron-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { redisOptions } from '../../jobs/connection.js';
import { SCHEDULE_QUEUE } from '../../jobs/queue-names.js';
import { ScheduleKeeper, scheduleDefinitions } from '../../jobs/schedules.js';
import { deletePrefix, REDIS_URL, silentLogger, testConfig, uniquePrefix } from './helpers.js';

const prefixes: string[] = [];
const queues: Queue[] = [];
function queueFor(prefix: string): Queue {
  const q = new Queue(SCHEDULE_QUEUE, { connection: redisOptions({ url: REDIS_URL, role: 'producer' }), prefix });
  queues.push(q);
  return q;
}

afterAll(async () => {
  await Promise.allSettled(queues.map((q) => q.close()));
  for (const p of prefixes) await deletePrefix(p);
});

/** London wall-clock time of an instant, "YYYY-MM-DD HH:mm". */
function london(ms: number): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/London', dateStyle: 'short', timeStyle: 'short' }).format(new Date(ms));
}

describe('job schedules', () => {
  it('registers each schedule once across two starts and two processes', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const config = testConfig(prefix);
    const defs = scheduleDefinitions(config);
    const a = new ScheduleKeeper({ queue: queueFor(prefix), schedules: defs, logger: silentLogger });
    const b = new ScheduleKeeper({ queue: queueFor(prefix), schedules: defs, logger: silentLogger });
    await Promise.all([a.registerAll(), b.registerAll()]);
    await a.registerAll();

    // A second OS process registering the same schedules.
    const script = fileURLToPath(new URL('./register-schedules.child.ts', import.meta.url));
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, prefix], { stdio: 'inherit', env: { ...process.env, REDIS_URL } });
      const t = setTimeout(() => (child.kill(), reject(new Error('child timed out'))), 30_000);
      child.on('exit', (c) => (clearTimeout(t), resolve(c ?? 1)));
    });
    expect(code).toBe(0);

    const q = queueFor(prefix);
    const schedulers = await q.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['digest', 'housekeeping', 'nudge', 'reminder']);
    const digest = await q.getJobScheduler('digest');
    expect(digest).toMatchObject({ pattern: '0 16 * * 1', tz: 'Europe/London' });
    // One pending (delayed) job per schedule, not one per registration.
    const delayed = await q.getDelayed();
    expect(delayed.map((j) => j.name).sort()).toEqual(['digest', 'housekeeping', 'nudge', 'reminder']);
    expect(await a.ensure()).toBe(0);
  });

  it('a process starting after a slot fell due, before any worker took its job, keeps that run', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    // A six-field cron firing every 2 seconds stands in for Friday 14:00.
    const defs = scheduleDefinitions(testConfig(prefix)).map((d) => (d.id === 'reminder' ? { ...d, pattern: '*/2 * * * * *' } : d));
    const q = queueFor(prefix);
    await new ScheduleKeeper({ queue: q, schedules: defs, logger: silentLogger }).registerAll();
    const slot = (await q.getJobScheduler('reminder'))!.next!;
    await new Promise((r) => setTimeout(r, Math.max(0, slot - Date.now()) + 300));
    // No worker runs (a deploy is restarting them); another process starts and registers the schedules.
    await new ScheduleKeeper({ queue: q, schedules: defs, logger: silentLogger }).registerAll();
    expect(await q.getJob(`repeat:reminder:${slot}`)).toBeTruthy();
    expect((await q.getJobScheduler('reminder'))!.next).toBe(slot);
  });

  it('a release that changes the jobs\' options updates schedules already in Redis', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const q = queueFor(prefix);
    // As an older release left it: same cron, other job options.
    await q.upsertJobScheduler('digest', { pattern: '0 16 * * 1', tz: 'Europe/London' }, { name: 'digest', data: {}, opts: { attempts: 1 } });
    await new ScheduleKeeper({ queue: q, schedules: scheduleDefinitions(testConfig(prefix)), logger: silentLogger }).registerAll();
    const digest = await q.getJobScheduler('digest');
    expect(digest?.template?.opts).toMatchObject({ attempts: 3 });
    // Registering again changes nothing.
    expect(await new ScheduleKeeper({ queue: q, schedules: scheduleDefinitions(testConfig(prefix)), logger: silentLogger }).ensure()).toBe(0);
  });

  it('re-creates schedules after Redis lost the data', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const keeper = new ScheduleKeeper({ queue: queueFor(prefix), schedules: scheduleDefinitions(testConfig(prefix)), logger: silentLogger });
    await keeper.registerAll();
    expect(await deletePrefix(prefix)).toBeGreaterThan(0);
    const q = queueFor(prefix);
    expect(await q.getJobSchedulersCount()).toBe(0);
    expect(await keeper.ensure()).toBe(4);
    expect(await q.getJobSchedulersCount()).toBe(4);
    expect((await q.getDelayed()).length).toBe(4);
    expect(await keeper.ensure()).toBe(0);

    // Only the pending job lost (e.g. evicted under maxmemory): the scheduler is re-armed too.
    const reminderJob = (await q.getDelayed()).find((j) => j.name === 'reminder')!;
    const redis = new Redis(REDIS_URL);
    try {
      await redis.zrem(`${prefix}:${SCHEDULE_QUEUE}:delayed`, reminderJob.id!);
      await redis.del(`${prefix}:${SCHEDULE_QUEUE}:${reminderJob.id}`);
    } finally {
      redis.disconnect();
    }
    expect((await q.getDelayed()).filter((j) => j.name === 'reminder')).toHaveLength(0);
    expect(await keeper.ensure()).toBe(1);
    expect((await q.getDelayed()).filter((j) => j.name === 'reminder')).toHaveLength(1);
  });

  it('updates a schedule whose cron changed in the configuration', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const q = queueFor(prefix);
    await new ScheduleKeeper({ queue: q, schedules: scheduleDefinitions(testConfig(prefix)), logger: silentLogger }).registerAll();
    const changed = new ScheduleKeeper({ queue: q, schedules: scheduleDefinitions(testConfig(prefix, { DIGEST_CRON: '0 17 * * 1' })), logger: silentLogger });
    expect(await changed.ensure()).toBe(1);
    expect(await q.getJobScheduler('digest')).toMatchObject({ pattern: '0 17 * * 1' });
    expect(await q.getJobSchedulersCount()).toBe(4);
  });

  it('fires the 16:00 London digest at 16:00 local time on both sides of the clock change', async () => {
    // cron-parser is what BullMQ uses for `pattern` + `tz`.
    const next = (from: string) =>
      CronExpressionParser.parse('0 16 * * 1', { tz: 'Europe/London', currentDate: new Date(from) }).next().getTime();
    // Clocks go back on Sunday 25 Oct 2026 (BST -> GMT).
    const before = next('2026-10-19T12:00:00Z');
    const after = next('2026-10-26T12:00:00Z');
    expect(new Date(before).toISOString()).toBe('2026-10-19T15:00:00.000Z');
    expect(new Date(after).toISOString()).toBe('2026-10-26T16:00:00.000Z');
    expect([london(before), london(after)]).toEqual(['2026-10-19 16:00', '2026-10-26 16:00']);
    // Clocks go forward on Sunday 29 Mar 2026 (GMT -> BST).
    expect(new Date(next('2026-03-23T12:00:00Z')).toISOString()).toBe('2026-03-23T16:00:00.000Z');
    expect(new Date(next('2026-03-30T12:00:00Z')).toISOString()).toBe('2026-03-30T15:00:00.000Z');

    // And BullMQ's scheduler, given a start date before the change, schedules its job at 16:00 London.
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const q = queueFor(prefix);
    const job = await q.upsertJobScheduler('dst-probe', { pattern: '0 16 * * 1', tz: 'Europe/London', startDate: Date.now() + 1000 });
    // The scheduler records the slot it computed as prevMillis on the job it creates.
    const due = (job.opts as { prevMillis?: number }).prevMillis!;
    expect(Math.abs(job.timestamp + (job.opts.delay ?? 0) - due)).toBeLessThan(60_000);
    expect(london(due).slice(11)).toBe('16:00');
    expect(new Date(due).getUTCDay()).toBe(1);
    // Schedulers starting just before and just after the March 2027 change (28 Mar): both slots are 16:00 London.
    const slot = async (id: string, startDate: string) =>
      ((await q.upsertJobScheduler(id, { pattern: '0 16 * * 1', tz: 'Europe/London', startDate })).opts as { prevMillis?: number }).prevMillis!;
    const gmt = await slot('dst-gmt', '2027-03-22T00:00:00Z');
    const bst = await slot('dst-bst', '2027-03-29T00:00:00Z');
    expect(new Date(gmt).toISOString()).toBe('2027-03-22T16:00:00.000Z');
    expect(new Date(bst).toISOString()).toBe('2027-03-29T15:00:00.000Z');
    expect([london(gmt), london(bst)]).toEqual(['2027-03-22 16:00', '2027-03-29 16:00']);
  });
});
