import { waitFor } from '../helpers/wait.js';
import { webApi } from '@slack/bolt';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackNotifier } from '../../adapters/slack/notifier.js';
import { startJobs, type JobsHandle } from '../../jobs/index.js';
import { notificationJobId, type NotificationJobData } from '../../jobs/notification-job.js';
import { NOTIFY_QUEUE } from '../../jobs/queue-names.js';
import { redisOptions } from '../../jobs/connection.js';
import { jobsServicesFromStore } from '../../app/compose.js';
import type { ReturnFigures } from '../../src/attendance/types.js';
import { NotificationClaimsRepo } from '../../src/store/notification-claims-repo.js';
import { FAKE_TEAM, startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { blockText } from '../helpers/slack-harness.js';
import { deletePrefix, REDIS_URL, silentLogger, testConfig, uniquePrefix, waitForIdle } from './helpers.js';

const WEEK = '2026-11-16'; // the week reminders (Fri 20 Nov) and nudges/digests (Mon 23 Nov) are about
const FRIDAY_2PM = new Date('2026-11-20T14:00:00Z');
const MONDAY_10AM = new Date('2026-11-23T10:00:00Z');
const MONDAY_4PM = new Date('2026-11-23T16:00:00Z');

const figs = (f: Partial<ReturnFigures>): ReturnFigures => ({
  sessions: 0, academic: 0, enrichment: 0, careers: 0, digital: 0, weekend: 0, attendances: 0, pupils: 0, fsm: 0, send: 0, parents: 0, ...f,
});

let ts: TestStore;
let slack: FakeSlack;
let jobs: JobsHandle;
let prefix: string;
let claims: NotificationClaimsRepo;
let notifyQueue: Queue<NotificationJobData>;
const ids: Record<string, number> = {};
const outcomes: { kind: string; platform: string; outcome: string }[] = [];

async function person(key: string, name: string, roles: ('oc_lead' | 'network_lead' | 'admin')[], centres: string[], slackUser: string) {
  const { id } = await ts.store.directory.upsertPerson({ name, email: `${key}@example.org` });
  await ts.store.directory.setRoles(id, roles);
  if (centres.length) await ts.store.directory.setLeadCentres(id, centres);
  await ts.store.directory.setSlackIdentity(id, { user: slackUser, team: FAKE_TEAM });
  ids[key] = id;
}

/** chat.postMessage calls that Slack accepted (the fake records refused ones too), by channel. */
function deliveredTo(channel: string) {
  return slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
}

beforeAll(async () => {
  ts = await openTestStore('postgres');
  const d = ts.store.directory;
  await d.upsertCentre({ id: 'acland-burghley', name: 'Acland Burghley' });
  await d.upsertCentre({ id: 'la-sainte-union', name: 'La Sainte Union' });
  await d.upsertCentre({ id: 'euston-skills', name: 'Euston Skills Centre' });
  await d.upsertCentre({ id: 'london-ai-campus', name: 'London AI Campus' });
  await d.upsertCentre({ id: 'old-centre', name: 'Old Centre', active: false });
  await d.setRemindersPausedUntil('euston-skills', '2026-12-31');
  await person('sam', 'Sam Okafor', ['oc_lead'], ['acland-burghley', 'london-ai-campus'], 'U0LEAD001');
  await person('ann', 'Ann Lee', ['oc_lead'], ['la-sainte-union'], 'U0LEAD002');
  await person('bob', 'Bob Roy', ['oc_lead'], ['euston-skills'], 'U0LEAD003');
  await person('ola', 'Ola Ade', ['oc_lead'], ['old-centre'], 'U0LEAD005');
  await person('nia', 'Nia Shah', ['network_lead'], [], 'U0NET0001');
  await d.setDigestChannels({ slack: ['C0DIGEST1'], teams: [] });
  const submit = (centreId: string, weekStart: string, f: Partial<ReturnFigures>, key: string) =>
    ts.store.returns.submit({ centreId, weekStart, figures: figs(f), submittedBy: ids.ann, submittedByName: 'Ann Lee', idempotencyKey: key });
  await submit('la-sainte-union', WEEK, { sessions: 4, academic: 2, careers: 2, attendances: 60, pupils: 20, fsm: 5, send: 2 }, 'k1');
  await submit('la-sainte-union', '2026-11-09', { sessions: 4, academic: 4, attendances: 40, pupils: 20 }, 'k2');

  slack = await startFakeSlack();
  const client = new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 5_000 });
  prefix = uniquePrefix();
  const services = jobsServicesFromStore({ store: ts.store, notifiers: [createSlackNotifier(client)] });
  claims = services.claims as NotificationClaimsRepo;
  jobs = await startJobs({
    config: testConfig(prefix),
    services,
    logger: silentLogger,
    backoff: { baseMs: 50, maxMs: 200 },
    defaultRetryAfterMs: 200,
    observeNotification: (o) => outcomes.push(o),
    now: () => FRIDAY_2PM,
  });
  notifyQueue = new Queue<NotificationJobData>(NOTIFY_QUEUE, { connection: redisOptions({ url: REDIS_URL, role: 'producer' }), prefix });
  await waitFor(() => jobs.redisStatus() === 'up', { what: 'redis up', timeout: 10_000 });
});

afterAll(async () => {
  await jobs?.close();
  await notifyQueue?.close();
  await slack?.close();
  await ts?.close();
  if (prefix) await deletePrefix(prefix);
});

beforeEach(() => {
  slack.reset();
  outcomes.length = 0;
});

describe('return reminders', () => {
  it('go only to leads of active, unpaused centres whose return is missing, one message per lead', async () => {
    await jobs.runNow('reminder', FRIDAY_2PM);
    await waitForIdle(jobs.queues);
    const posts = slack.callsTo('chat.postMessage');
    expect(posts.map((p) => p.args.channel).sort()).toEqual(['D0LEAD001']);
    const opened = slack.callsTo('conversations.open').map((c) => c.args.users);
    expect(opened).toEqual(['U0LEAD001']);
    // One DM for Sam's two centres, each with its own button carrying centre + week.
    const body = JSON.stringify(posts[0].args.blocks);
    expect(body).toContain('Acland Burghley');
    expect(body).toContain('London AI Campus');
    const buttons = (posts[0].args.blocks as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));
    // Slack refuses an actions block whose buttons share an action_id (the fake enforces it), so each has its own.
    expect(buttons.map((b: any) => [b.action_id, JSON.parse(b.value)])).toEqual([
      ['open_attendance_form', { centreId: 'acland-burghley', week: WEEK }],
      ['mark_week_closed', { centreId: 'acland-burghley', week: WEEK }],
      ['open_attendance_form:2', { centreId: 'london-ai-campus', week: WEEK }],
      ['mark_week_closed:2', { centreId: 'london-ai-campus', week: WEEK }],
    ]);
    // Without a week, a typed return counts for the reminder's week until the next Friday's reminder.
    expect(blockText(posts[0].args.blocks)).toContain('Without a week it counts for the week of 16 Nov 2026 until Friday 27 Nov, 14:00.');
    expect(slack.refused).toEqual([]);
    expect(await claims.get({ kind: 'reminder', recipient: `person:${ids.sam}`, period: WEEK })).toMatchObject({ state: 'sent', platform: 'slack' });
  });

  it('are never sent twice for the same week, however often the job runs', async () => {
    await jobs.runNow('reminder', FRIDAY_2PM);
    await jobs.runNow('reminder', new Date('2026-11-20T15:00:00Z'));
    // A duplicate send job under another id (as if BullMQ had delivered a copy).
    await notifyQueue.add('reminder', { kind: 'reminder', recipient: `person:${ids.sam}`, period: WEEK, centreIds: ['acland-burghley'] }, { jobId: 'copy-of-sam' });
    await waitForIdle(jobs.queues);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    const copy = await notifyQueue.getJob('copy-of-sam');
    expect(copy?.returnvalue).toEqual({ status: 'skipped', reason: 'already_sent' });
  });

  it('are not resent when a worker died mid-send (claim left in "sending")', async () => {
    // Sam's nudge was claimed by a worker that then died before recording the result.
    const key = { kind: 'nudge' as const, recipient: `person:${ids.sam}`, period: WEEK };
    expect(await claims.claim(key, 'dead-worker-job')).toEqual({ status: 'claimed', attempts: 1 });
    await jobs.runNow('nudge', MONDAY_10AM);
    await waitForIdle(jobs.queues);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    // Housekeeping later marks the stale claim 'unknown'; it still is not resent.
    expect((await claims.expireStale(0)).map((c) => c.recipient)).toEqual([key.recipient]);
    await jobs.runNow('nudge', MONDAY_10AM);
    await waitForIdle(jobs.queues);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await claims.get(key)).toMatchObject({ state: 'unknown', errorCode: 'worker_lost' });
  });

  it('stop once the return is in', async () => {
    await ts.store.returns.submit({
      centreId: 'acland-burghley', weekStart: '2026-11-23', figures: figs({ sessions: 1, academic: 1, attendances: 5, pupils: 5 }),
      submittedBy: ids.sam, submittedByName: 'Sam Okafor', idempotencyKey: 'k-acland-next',
    });
    await ts.store.returns.submit({
      centreId: 'london-ai-campus', weekStart: '2026-11-23', figures: figs({ sessions: 1, digital: 1, attendances: 5, pupils: 5 }),
      submittedBy: ids.sam, submittedByName: 'Sam Okafor', idempotencyKey: 'k-ai-next',
    });
    await jobs.runNow('reminder', new Date('2026-11-27T14:00:00Z'));
    await waitForIdle(jobs.queues);
    // Sam's centres are in; La Sainte Union's return for that week is not, so only Ann is reminded.
    expect(slack.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['U0LEAD002']);
    expect(slack.callsTo('chat.postMessage').map((c) => c.args.channel)).toEqual(['D0LEAD002']);
  });
});

describe('weekly digest', () => {
  it('goes to every network lead and digest channel once, with figures, missing centres and a chart', async () => {
    slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    await jobs.runNow('digest', MONDAY_4PM);
    await waitForIdle(jobs.queues, 30_000);
    await jobs.runNow('digest', MONDAY_4PM);
    await waitForIdle(jobs.queues, 30_000);
    // One 429 and then exactly one accepted message per recipient: three posts in all.
    expect(deliveredTo('D0NET0001').length + deliveredTo('C0DIGEST1').length).toBe(3);
    const nia = await claims.get({ kind: 'digest', recipient: `person:${ids.nia}`, period: WEEK });
    const channel = await claims.get({ kind: 'digest', recipient: 'slack-channel:C0DIGEST1', period: WEEK });
    expect([nia?.state, channel?.state]).toEqual(['sent', 'sent']);
    expect((nia?.attempts ?? 0) + (channel?.attempts ?? 0)).toBe(3);
    const post = deliveredTo('C0DIGEST1').at(-1)!;
    const text = JSON.stringify(post.args.blocks);
    expect(text).toContain('16 Nov 2026');
    expect(text).toContain('La Sainte Union');
    // Missing this week: Acland, Euston (paused), London AI Campus.
    expect(text).toMatch(/missing[^"]*Acland Burghley/i);
    expect(text).toContain('Euston Skills Centre (reminders paused)');
    // La Sainte Union: 60 attendances, +50% against its 4-week average of 40.
    expect(text).toContain('+50%');
    // Only Nia is DMed. Whichever send drew the 429 is retried; if it was Nia's, the retry opens her DM again
    // (conversations.open is idempotent), so count people here and messages above.
    expect([...new Set(slack.callsTo('conversations.open').map((c) => c.args.users))]).toEqual(['U0NET0001']);
    expect(deliveredTo('D0NET0001')).toHaveLength(nia?.attempts ?? 0);
  });
});

describe('send failures', () => {
  it('retries a transient failure with backoff and then sends once', async () => {
    slack.failNext('chat.postMessage', { kind: 'http', status: 503 });
    const data: NotificationJobData = { kind: 'digest', recipient: 'slack-channel:C0RETRY1', period: WEEK };
    await notifyQueue.add('digest', data, { jobId: notificationJobId(data), attempts: 4, backoff: { type: 'jittered-exponential' } });
    await waitForIdle(jobs.queues);
    expect(deliveredTo('C0RETRY1')).toHaveLength(2);
    const job = await notifyQueue.getJob(notificationJobId(data));
    expect(job?.attemptsMade).toBe(2);
    expect(await claims.get({ kind: 'digest', recipient: 'slack-channel:C0RETRY1', period: WEEK })).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('records a permanent failure and does not retry it', async () => {
    slack.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    const data: NotificationJobData = { kind: 'digest', recipient: 'slack-channel:C0GONE01', period: WEEK };
    await notifyQueue.add('digest', data, { jobId: notificationJobId(data), attempts: 5, backoff: { type: 'jittered-exponential' } });
    await waitForIdle(jobs.queues);
    expect(deliveredTo('C0GONE01')).toHaveLength(1);
    const job = await notifyQueue.getJob(notificationJobId(data));
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect(await claims.get({ kind: 'digest', recipient: 'slack-channel:C0GONE01', period: WEEK })).toMatchObject({
      state: 'failed',
      errorCode: 'permanent',
      errorMessage: expect.stringContaining('channel_not_found'),
    });
  });

  it('a payload Slack refuses as malformed (invalid_blocks) is a defect: recorded, counted, never retried', async () => {
    slack.failNext('chat.postMessage', { kind: 'error', error: 'invalid_blocks' });
    const data: NotificationJobData = { kind: 'digest', recipient: 'slack-channel:C0BADBLK', period: WEEK };
    await notifyQueue.add('digest', data, { jobId: notificationJobId(data), attempts: 6, backoff: { type: 'jittered-exponential' } });
    await waitForIdle(jobs.queues);
    expect(deliveredTo('C0BADBLK')).toHaveLength(1);
    const job = await notifyQueue.getJob(notificationJobId(data));
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect(await claims.get({ kind: 'digest', recipient: 'slack-channel:C0BADBLK', period: WEEK })).toMatchObject({
      state: 'failed',
      errorCode: 'invalid_request',
      errorMessage: expect.stringContaining('invalid_blocks'),
    });
    expect(outcomes).toEqual([{ kind: 'digest', platform: 'slack', outcome: 'invalid_request' }]);
  });
});
