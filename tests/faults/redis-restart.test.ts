/**
 * Fault: Redis killed (SIGKILL) and restarted empty while the real server runs (Slack over signed HTTP requests,
 * jobs in process). Mechanism: a private redis-server child on its own loopback port, no persistence.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE_QUEUE } from '../../jobs/queue-names.js';
import { waitForIdle } from '../jobs/helpers.js';
import { REDIS_SERVER, startPrivateRedis, type PrivateRedis } from '../helpers/fault-redis.js';
import { messageText, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { waitFor } from '../helpers/wait.js';
import { USERS } from '../helpers/slack-harness.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { startSlowHttpProxy } from '../helpers/fault-slow-http.js';
import { NotificationClaimsRepo } from '../../src/store/notification-claims-repo.js';
import { openTestStore, type TestStore } from '../helpers/store.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const dmChannel = (user: string) => `D${user.replace(/^U/, '')}`;

describe.skipIf(!REDIS_SERVER)('Redis killed and restarted mid-run (private redis-server)', () => {
  let redis: PrivateRedis;
  let ts: TestStore;
  let h: FaultServer;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    cleanups.push(() => redis.close());
    ts = await openTestStore('postgres');
    cleanups.push(() => ts.close());
    h = await startFaultServer({
      store: ts.store,
      env: { JOBS_IN_PROCESS: 'true', REDIS_URL: redis.url, QUEUE_PREFIX: `fault-redis-${process.pid}` },
    });
    cleanups.push(() => h.stop());
  });

  it('answers and stores returns while Redis is down, reports it, and resumes jobs after without sending anything twice', async () => {
    const jobs = h.server.jobs!;
    expect(jobs).toBeTruthy();
    await waitFor(() => jobs.redisStatus() === 'up', { what: 'jobs connected to Redis', timeout: 20_000 });
    expect((await h.health()).body.redis.status).toBe('ready');

    const postsTo = (user: string, re: RegExp) =>
      h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === dmChannel(user) && re.test(messageText(c.args)));
    const REMINDER = /Weekly attendance return due/;
    const NUDGE = /Attendance return still missing/;

    // Before the outage: this week's reminder goes to both leads (one message each).
    const at = new Date();
    await jobs.runNow('reminder', at);
    await h.fake.waitFor(() => postsTo(USERS.lead, /./).length >= 1 && postsTo(USERS.multiLead, /./).length >= 1, 30_000);
    await waitForIdle(jobs.queues, 30_000);
    expect(postsTo(USERS.lead, REMINDER)).toHaveLength(1);
    expect(postsTo(USERS.multiLead, REMINDER)).toHaveLength(1);

    // Crash Redis.
    await redis.kill();
    await waitFor(() => jobs.redisStatus() === 'down', { what: 'jobs see Redis down', timeout: 20_000 });
    const health = await h.health();
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', redis: { status: 'down' }, store: { ok: true } });

    // Questions are answered (slash command and direct message) while Redis is down.
    const ask = await h.command('/ask', 'Which Opportunity Centre was set up with Google?', USERS.staff);
    expect(ask.status).toBe(200);
    expect(messageText(await h.waitForResponse(ask.responseId))).toContain('London AI Campus');
    const dm = await h.dm(USERS.staff, 'What is Camden Career Club?');
    expect(dm.status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').some((c) => c.args.channel === dmChannel(USERS.staff)), 20_000);

    // A return is accepted and stored (last week, the default week of the quick form).
    const sub = await h.command('/attendance', 'sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3', USERS.lead);
    expect(sub.status).toBe(200);
    expect(messageText(await h.waitForResponse(sub.responseId))).toContain('Return received for Acland Burghley');
    const stored = await ts.store.db.query<{ centre_id: string; week_start: string; current_version: number }>(
      'SELECT centre_id, week_start, current_version FROM attendance_returns',
    );
    expect(stored.rows).toEqual([expect.objectContaining({ centre_id: 'acland-burghley', current_version: 1 })]);
    expect((await h.health()).body.redis.status).toBe('down');

    // Redis comes back empty: the schedules are re-created and the workers take jobs again.
    await redis.start();
    await waitFor(() => jobs.redisStatus() === 'up', { what: 'jobs see Redis up again', timeout: 30_000 });
    const q = new Queue(SCHEDULE_QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix: h.config.QUEUE_PREFIX });
    cleanups.push(() => q.close());
    await waitFor(async () => (await q.getJobSchedulersCount()) === 4, { what: 'schedules re-created in the empty Redis', timeout: 30_000 });
    expect((await h.health()).body).toMatchObject({ status: 'ok', redis: { status: 'ready' } });

    // The same reminder run again: Redis forgot its job ids, but the claims in Postgres stop a second message.
    const beforeRerun = h.fake.callsTo('chat.postMessage').length;
    const rerun = await jobs.runNow('reminder', at);
    await waitFor(async () => (await q.getJob(rerun.id!))?.finishedOn !== undefined, { what: 'reminder re-run processed', timeout: 30_000 });
    await waitForIdle(jobs.queues, 30_000);
    expect(h.fake.callsTo('chat.postMessage').length).toBe(beforeRerun);

    // A nudge for last week after the restart: only the lead whose return is still missing gets one, once.
    const nudge = await jobs.runNow('nudge', at);
    await waitFor(async () => (await q.getJob(nudge.id!))?.finishedOn !== undefined, { what: 'nudge processed', timeout: 30_000 });
    await waitForIdle(jobs.queues, 30_000);
    await jobs.runNow('nudge', at);
    await waitForIdle(jobs.queues, 30_000);
    expect(postsTo(USERS.multiLead, NUDGE)).toHaveLength(1);
    expect(postsTo(USERS.multiLead, /./)).toHaveLength(2); // the reminder before the outage + one nudge after it
    expect(postsTo(USERS.lead, /./)).toHaveLength(1); // the reminder only: their return came in during the outage
    const claims = await ts.store.db.query<{ kind: string; recipient: string; state: string }>(
      "SELECT kind, recipient, state FROM notification_claims ORDER BY kind, recipient",
    );
    expect(claims.rows.map((r) => `${r.kind}:${r.state}`)).toEqual(['nudge:sent', 'reminder:sent', 'reminder:sent']);
  });
});

describe.skipIf(!REDIS_SERVER)('Redis (with an append-only file) killed while reminders are being sent', () => {
  it('the sends in flight finish once; after the restart the jobs are settled and nothing is sent twice', async () => {
    const redis = await startPrivateRedis({ persistent: true });
    cleanups.push(() => redis.close());
    const ts = await openTestStore('postgres');
    cleanups.push(() => ts.close());
    const fake = await startFakeSlack();
    cleanups.push(() => fake.close());
    const proxy = await startSlowHttpProxy(fake.apiUrl);
    cleanups.push(() => proxy.close());
    const h = await startFaultServer({
      store: ts.store,
      fake,
      env: { JOBS_IN_PROCESS: 'true', REDIS_URL: redis.url, QUEUE_PREFIX: `fault-redis-aof-${process.pid}`, SLACK_API_URL: proxy.url },
      slackTimeoutMs: 10_000,
    });
    cleanups.push(() => h.stop());
    const jobs = h.server.jobs!;
    await waitFor(() => jobs.redisStatus() === 'up', { what: 'jobs connected to Redis', timeout: 20_000 });

    // Both reminders are at Slack (slow) when Redis dies.
    proxy.setDelay((path) => (path.endsWith('/chat.postMessage') ? 2_000 : 0));
    await jobs.runNow('reminder', new Date('2026-11-06T14:00:00Z'));
    await waitFor(() => proxy.arrived(/chat\.postMessage$/) >= 2, { what: 'both reminder posts in flight', timeout: 30_000, every: 20 });
    await redis.kill();
    const claims = new NotificationClaimsRepo(ts.store.db);
    const sent = async () => (await claims.list({ kind: 'reminder', period: '2026-11-02' })).filter((c) => c.state === 'sent').length;
    await waitFor(async () => (await sent()) === 2, { what: 'both sends recorded in Postgres while Redis is down', timeout: 20_000 });
    proxy.setDelay(() => 0);

    // Redis comes back with its data, where the two send jobs are still active: the worker completes them (or the
    // stalled-job check hands them out again, when the lock ran out first; the claims then stop a second message).
    await redis.start();
    await waitFor(() => jobs.redisStatus() === 'up', { what: 'jobs see Redis again', timeout: 30_000 });
    await waitForIdle(jobs.queues, 90_000);
    const notify = jobs.queues.find((q) => q.name === 'notifications')!;
    await waitFor(async () => (await notify.getActiveCount()) === 0, { what: 'no send job left active', timeout: 90_000, every: 250 });

    // Jobs work again: a nudge after the restart reaches both leads.
    await jobs.runNow('nudge', new Date('2026-11-09T10:00:00Z'));
    await waitFor(async () => (await claims.list({ kind: 'nudge', period: '2026-11-02' })).filter((c) => c.state === 'sent').length === 2, { what: 'nudges sent', timeout: 30_000 });
    await waitForIdle(jobs.queues, 30_000);

    const posts = (user: string) => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === dmChannel(user)).map((c) => messageText(c.args));
    for (const user of [USERS.lead, USERS.multiLead]) {
      expect(posts(user).filter((t) => /Weekly attendance return due/.test(t))).toHaveLength(1);
      expect(posts(user).filter((t) => /Attendance return still missing/.test(t))).toHaveLength(1);
    }
  }, 180_000);
});
