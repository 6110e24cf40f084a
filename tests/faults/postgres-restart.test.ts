/**
 * Fault: Postgres restarted under the real server while submissions are in flight. Mechanism: a private Postgres
 * cluster (initdb in a temp dir, own loopback port), stopped with `pg_ctl -m fast` (backends terminated mid-query)
 * or `-m immediate` (as a crash) and started again. Submissions are held mid-transaction by a lock taken from a
 * separate connection on the versions table, so they are provably in flight when the server goes away.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/fault-postgres.js';
import { waitFor } from '../helpers/wait.js';
import { messageText, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { TEAM, USERS } from '../helpers/slack-harness.js';
import { deletePrefix, uniquePrefix, waitForIdle } from '../jobs/helpers.js';
import { JITTERED_BACKOFF } from '../../jobs/backoff.js';
import { notificationJobId, personRecipient, type NotificationJobData } from '../../jobs/notification-job.js';

const unavailable = await privatePostgresUnavailable();
if (unavailable) console.warn(`skipping the Postgres restart faults: ${unavailable}`);

// In production an uncaught exception ends the process (app/main.ts): a lost connection must never raise one.
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);
process.on('uncaughtException', onUncaught);

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const QUICK = 'sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3';
const TRY_AGAIN = /not reachable right now\. Nothing was saved; please try again/;

describe.skipIf(!!unavailable)('Postgres restarted under the server (private cluster)', () => {
  let pgServer: PrivatePostgres;
  let h: FaultServer;

  const sql = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> => {
    const c = new pg.Client({ connectionString: pgServer.url });
    c.on('error', () => undefined); // the query reports a lost connection; the event must not be an uncaught exception
    await c.connect();
    try {
      return (await c.query<T>(text, params)).rows;
    } finally {
      await c.end();
    }
  };

  /** Nothing half-written: every centre-week row points at a version that exists, and no version lacks its row. */
  const integrity = async () => {
    const headless = await sql('SELECT v.centre_id, v.week_start, v.version FROM attendance_return_versions v LEFT JOIN attendance_returns a USING (centre_id, week_start) WHERE a.centre_id IS NULL');
    const dangling = await sql(
      `SELECT a.centre_id, a.week_start, a.current_version FROM attendance_returns a
       LEFT JOIN attendance_return_versions v ON v.centre_id = a.centre_id AND v.week_start = a.week_start AND v.version = a.current_version
       WHERE v.centre_id IS NULL`,
    );
    const gaps = await sql(
      `SELECT centre_id, week_start FROM attendance_return_versions GROUP BY centre_id, week_start HAVING max(version) <> count(*)`,
    );
    return { headless, dangling, gaps };
  };

  /** Hold submissions inside their transaction: they wait for this lock on the versions table. */
  const holdVersions = async () => {
    const c = new pg.Client({ connectionString: pgServer.url });
    c.on('error', () => undefined);
    await c.connect();
    await c.query('BEGIN');
    await c.query('LOCK TABLE attendance_return_versions IN EXCLUSIVE MODE');
    return c;
  };

  const waitingOnLock = async () =>
    Number((await sql<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))[0]!.n);

  beforeAll(async () => {
    pgServer = await startPrivatePostgres();
    cleanups.push(() => pgServer.close());
    h = await startFaultServer({ env: { DATABASE_URL: pgServer.url } });
    cleanups.push(() => h.stop());
  });

  it.each(['fast', 'immediate'] as const)(
    'stop -m %s: requests in flight get a clear "try again", nothing is half-written, and the pool recovers',
    async (mode) => {
      try {
        await scenario(mode);
      } finally {
        await pgServer.start().catch(() => undefined); // already running unless the scenario failed midway
      }
    },
  );

  async function scenario(mode: 'fast' | 'immediate') {
    const versionsBefore = (await sql<{ n: string }>('SELECT count(*) AS n FROM attendance_return_versions'))[0]!.n;
    const lock = await holdVersions();
    // Two leads submit; both are now inside their transaction (centre-week row locked, version insert waiting).
    const week = mode === 'fast' ? '' : ' week 2026-11-02';
    const inFlight = [
      await h.command('/attendance', `${QUICK}${week}`, USERS.lead),
      await h.command('/attendance', `centre camden-career-club ${QUICK}${week}`, USERS.multiLead),
    ];
    for (const r of inFlight) expect(r.status).toBe(200);
    await waitFor(async () => (await waitingOnLock()) >= 2, { what: 'both submissions waiting inside their transaction', timeout: 20_000 });

    await pgServer.stop(mode);
    await lock.end().catch(() => undefined);

    // Each person hears "try again" (exactly one reply each), not silence and not a crash.
    for (const r of inFlight) {
      const reply = messageText(await h.waitForResponse(r.responseId, 20_000));
      expect(reply).toMatch(TRY_AGAIN);
    }

    // While it is down: health says so (503), a new submission is refused clearly, questions are still answered.
    const health = await h.health();
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'down', store: { ok: false } });
    const refused = await h.command('/attendance', QUICK, USERS.lead);
    expect(messageText(await h.waitForResponse(refused.responseId, 20_000))).toMatch(TRY_AGAIN);
    const ask = await h.command('/ask', 'Which Opportunity Centre was set up with Google?', USERS.staff);
    expect(messageText(await h.waitForResponse(ask.responseId, 20_000))).toContain('London AI Campus');
    // A direct message too: Slack got its 200 at once and will not deliver it again, so skipping it would be silence.
    const posts = () => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${USERS.staff.replace(/^U/, '')}`);
    const before = posts().length;
    const dm = await h.dm(USERS.staff, 'Which Opportunity Centre was set up with Google?');
    expect(dm.status).toBe(200);
    await h.fake.waitFor(() => posts().length > before, 20_000);
    expect(messageText(posts().at(-1)!.args)).toContain('London AI Campus');

    await pgServer.start();
    await waitFor(async () => (await h.health()).status === 200, { what: 'store healthy again', timeout: 30_000 });

    // Nothing half-written, nothing from the cut requests stored.
    expect(await integrity()).toEqual({ headless: [], dangling: [], gaps: [] });
    expect((await sql<{ n: string }>('SELECT count(*) AS n FROM attendance_return_versions'))[0]!.n).toBe(versionsBefore);
    expect(await sql("SELECT centre_id FROM attendance_returns WHERE current_version = 0")).toEqual([]);

    // The pool recovers: the next submission is stored.
    const next = await h.command('/attendance', `${QUICK}${week}`, USERS.lead);
    expect(messageText(await h.waitForResponse(next.responseId, 20_000))).toContain('Return received for Acland Burghley');
    expect(await integrity()).toEqual({ headless: [], dangling: [], gaps: [] });
    expect(Number((await sql<{ n: string }>('SELECT count(*) AS n FROM attendance_return_versions'))[0]!.n)).toBe(Number(versionsBefore) + 1);
    expect(uncaught.map(String)).toEqual([]);
  }
});

/** A private cluster and a server running the jobs in process on it, connected to Redis. */
async function jobsOnPrivatePostgres() {
  const pgServer = await startPrivatePostgres();
  cleanups.push(() => pgServer.close());
  const prefix = uniquePrefix();
  cleanups.push(() => deletePrefix(prefix));
  const h = await startFaultServer({ env: { DATABASE_URL: pgServer.url, JOBS_IN_PROCESS: 'true', QUEUE_PREFIX: prefix } });
  cleanups.push(() => h.stop());
  const jobs = h.server.jobs!;
  await waitFor(() => jobs.redisStatus() === 'up', { what: 'jobs connected to Redis', timeout: 20_000 });
  // As the job scheduler would add a reminder run (jobs/schedules.ts: 3 attempts, jittered backoff).
  const schedules = jobs.queues.find((q) => q.name === 'schedules')!;
  const addReminderRun = () => schedules.add('reminder', { at: '2026-11-06T14:00:00.000Z' }, { attempts: 3, backoff: { type: JITTERED_BACKOFF } });
  return { pgServer, h, jobs, schedules, addReminderRun };
}

/** Both Slack leads get the reminder, and once each after the queues are idle. */
async function expectOneReminderEach(h: FaultServer, queues: Parameters<typeof waitForIdle>[0], arrivalMs: number) {
  const posts = (user: string) => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${user.replace(/^U/, '')}`);
  await h.fake.waitFor(() => posts(USERS.lead).length >= 1 && posts(USERS.multiLead).length >= 1, arrivalMs);
  await waitForIdle(queues, 60_000);
  expect(posts(USERS.lead)).toHaveLength(1);
  expect(posts(USERS.multiLead)).toHaveLength(1);
}

describe.skipIf(!!unavailable)('Postgres down when a reminder run fires (private cluster, jobs in process)', () => {
  it('the scheduled run waits while Postgres is away and every lead gets the reminder once after it is back', async () => {
    const { pgServer, h, jobs, schedules, addReminderRun } = await jobsOnPrivatePostgres();
    await pgServer.stop('fast');
    try {
      const run = await addReminderRun();
      // The run has started and met the unreachable database; it waits (or is retried), it does not give up.
      await waitFor(() => h.logs.find(/database unreachable; the scheduled run waits/).length > 0, { what: 'the run waiting for the database', timeout: 30_000 });
      expect(await (await schedules.getJob(run.id!))!.getState()).not.toBe('failed');
    } finally {
      await pgServer.start();
    }
    await expectOneReminderEach(h, jobs.queues, 60_000);
    expect(uncaught.map(String)).toEqual([]);
  }, 120_000);
});

describe.skipIf(!!unavailable)('Postgres away for longer than a scheduled run’s retries (private cluster, jobs in process)', () => {
  it('the run waits for the database and every lead gets the reminder once when it is back', async () => {
    const { pgServer, jobs, h, addReminderRun } = await jobsOnPrivatePostgres();
    // 20 s away: longer than three attempts with 5 s doubling backoff (at most 15 s) could ever span.
    await pgServer.stop('fast');
    try {
      await addReminderRun();
      await new Promise((r) => setTimeout(r, 20_000));
    } finally {
      await pgServer.start();
    }
    await expectOneReminderEach(h, jobs.queues, 30_000);
  }, 120_000);
});

describe.skipIf(!!unavailable)('Postgres away while a reminder waits to be sent (private cluster, jobs in process)', () => {
  it('the send waits for the database instead of spending its attempts, and the lead gets the reminder once', async () => {
    const { pgServer, h, jobs } = await jobsOnPrivatePostgres();
    const lead = (await h.server.context.store.directory.findPersonBySlack(TEAM, USERS.lead))!;
    const notify = jobs.queues.find((q) => q.name === 'notifications')!;
    // As the fan-out would add it (jobs/fan-out.ts: 6 attempts, jittered backoff from 5 s).
    const data: NotificationJobData = { kind: 'reminder', recipient: personRecipient(lead.id), period: '2026-11-02', centreIds: ['acland-burghley'] };
    await pgServer.stop('fast');
    try {
      const job = await notify.add('reminder', data, { jobId: notificationJobId(data), attempts: 6, backoff: { type: JITTERED_BACKOFF } });
      await waitFor(() => h.logs.find(/database unreachable; the notification waits/).length > 0, { what: 'the send waiting for the database', timeout: 30_000 });
      // Long enough for a first retry had the failed attempt counted (backoff from 5 s with jitter).
      await new Promise((r) => setTimeout(r, 8_000));
      const state = (await notify.getJob(job.id!))!;
      expect(state.attemptsMade).toBe(0);
      expect(await state.getState()).toBe('active');
    } finally {
      await pgServer.start();
    }
    const posts = () => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${USERS.lead.replace(/^U/, '')}`);
    await h.fake.waitFor(() => posts().length >= 1, 30_000);
    await waitForIdle(jobs.queues, 60_000);
    expect(posts()).toHaveLength(1);
    expect(uncaught.map(String)).toEqual([]);
  }, 120_000);
});
