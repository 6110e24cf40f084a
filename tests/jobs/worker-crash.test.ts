import { waitFor } from '../helpers/wait.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { webApi } from '@slack/bolt';
import { afterAll, describe, expect, it } from 'vitest';
import { createSlackNotifier } from '../../adapters/slack/notifier.js';
import { startJobs, type JobsHandle } from '../../jobs/index.js';
import { notificationJobId } from '../../jobs/notification-job.js';
import { jobsServicesFromStore } from '../../app/compose.js';
import { FAKE_TEAM, startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { openTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/store.js';
import { deletePrefix, REDIS_URL, silentLogger, testConfig, uniquePrefix } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('a worker killed mid-send', () => {
  it('does not lead to a second message: the re-run job finds the claim in "sending" and stops', async () => {
    const ts: TestStore = await openTestStore('postgres');
    cleanups.push(() => ts.close());
    const slack: FakeSlack = await startFakeSlack();
    cleanups.push(() => slack.close());
    const prefix = uniquePrefix();
    cleanups.push(() => deletePrefix(prefix));

    const d = ts.store.directory;
    await d.upsertCentre({ id: 'acland-burghley', name: 'Acland Burghley' });
    const { id: sam } = await d.upsertPerson({ name: 'Sam Okafor', email: 'sam@example.org' });
    await d.setRoles(sam, ['oc_lead']);
    await d.setLeadCentres(sam, ['acland-burghley']);
    await d.setSlackIdentity(sam, { user: 'U0LEAD001', team: FAKE_TEAM });

    // The first post hangs: the child worker is inside chat.postMessage when it is killed.
    slack.failNext('chat.postMessage', { kind: 'hang' });
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./crash-worker.child.ts', import.meta.url))], {
      env: { ...process.env, TEST_DATABASE_URL, CHILD_SCHEMA: ts.location, CHILD_SLACK_URL: slack.apiUrl, CHILD_PREFIX: prefix, REDIS_URL },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(async () => child.exitCode === null && child.kill('SIGKILL'));
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    await waitFor(() => out.includes('ready'), { what: 'child worker ready', timeout: 30_000 });

    // This process only produces (no workers) until the child is gone.
    const producer: JobsHandle = await startJobs({
      config: testConfig(prefix),
      services: jobsServicesFromStore({ store: ts.store, notifiers: [] }),
      logger: silentLogger,
      workers: false,
    });
    cleanups.push(() => producer.close());
    await producer.runNow('reminder', new Date('2026-11-20T14:00:00Z'));
    await slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'), 30_000);
    child.kill('SIGKILL');
    await waitFor(() => child.exitCode !== null || child.signalCode !== null, { what: 'child exit', timeout: 10_000 });

    // A fresh worker takes over; the stalled send job comes back to it.
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const services = jobsServicesFromStore({ store: ts.store, notifiers: [createSlackNotifier(client)] });
    const worker = await startJobs({
      config: testConfig(prefix),
      services,
      logger: silentLogger,
      lockDurationMs: 2_000,
      stalledIntervalMs: 1_000,
      now: () => new Date('2026-11-20T14:00:00Z'),
    });
    cleanups.push(() => worker.close());
    const notify = worker.queues.find((q) => q.name === 'notifications')!;
    const jobId = notificationJobId({ kind: 'reminder', recipient: `person:${sam}`, period: '2026-11-16' });
    await waitFor(async () => (await notify.getJob(jobId))?.finishedOn !== undefined, { what: 'stalled send job re-run', timeout: 45_000 });

    const job = await notify.getJob(jobId);
    expect(job?.returnvalue).toEqual({ status: 'skipped', reason: 'already_sending' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(await services.claims.get({ kind: 'reminder', recipient: `person:${sam}`, period: '2026-11-16' })).toMatchObject({ state: 'sending' });
  });
});
