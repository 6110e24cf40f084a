/**
 * Fault: the Slack Web API (a local fake at its HTTP edge) answering 429 with Retry-After, HTTP 500, or never
 * answering (the client times out), both for answers to questions and for job notifications through the real
 * server. Expectation: the person gets the message exactly once, or the failure is logged and recorded; nothing is
 * ever duplicated; the server stays healthy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefix, uniquePrefix, waitForIdle } from '../jobs/helpers.js';
import { waitFor } from '../helpers/wait.js';
import { messageText, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { counterValue, USERS } from '../helpers/slack-harness.js';
import { openTestStore, type TestStore } from '../helpers/store.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const dmChannel = (user: string) => `D${user.replace(/^U/, '')}`;
const QUESTION = 'Which Opportunity Centre was set up with Google?';

let h: FaultServer;
let ts: TestStore;

beforeAll(async () => {
  ts = await openTestStore('postgres');
  cleanups.push(() => ts.close());
  const prefix = uniquePrefix();
  cleanups.push(() => deletePrefix(prefix));
  h = await startFaultServer({ store: ts.store, env: { JOBS_IN_PROCESS: 'true', QUEUE_PREFIX: prefix }, slackTimeoutMs: 2_000 });
  cleanups.push(() => h.stop());
});

/** Posts to a DM channel since `from` (index into the fake's calls). */
const postsTo = (channel: string, from = 0) => h.fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.args.channel === channel);

/** camden_errors_total for these labels, from GET /metrics. */
async function errorCount(where: string, code: string): Promise<number> {
  const text = await (await fetch(`${h.server.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const line = text.split('\n').find((l) => l.startsWith('camden_errors_total{') && l.includes(`where="${where}"`) && l.includes(`code="${code}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function expectHealthy() {
  const health = await h.health();
  expect(health.status).toBe(200);
  expect(health.body.store.ok).toBe(true);
  // And it still answers.
  const ask = await h.command('/ask', QUESTION, USERS.staff);
  expect(messageText(await h.waitForResponse(ask.responseId))).toContain('London AI Campus');
}

describe('answers to questions', () => {
  it('429 with Retry-After: waits it out and the answer arrives once; a redelivered event adds nothing', async () => {
    const from = h.fake.calls.length;
    h.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    const dm = await h.dm(USERS.staff, QUESTION);
    expect(dm.status).toBe(200);
    await h.fake.waitFor(() => postsTo(dmChannel(USERS.staff), from).length >= 2, 20_000);
    const posts = postsTo(dmChannel(USERS.staff), from);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(900); // Retry-After honoured, not hammered
    expect(messageText(posts[1]!.args)).toContain('London AI Campus');
    // Slack retries the event (e.g. it thought our ack was late): no second answer. The retry is recognised as a
    // duplicate (camden_deliveries_total), so it will not answer later either.
    const duplicates = await counterValue(h.server.context.metrics.registry, 'camden_deliveries_total', { platform: 'slack', outcome: 'duplicate' });
    await h.dm(USERS.staff, QUESTION, { eventId: dm.eventId, ts: dm.ts, retryNum: 1 });
    await waitFor(async () => (await counterValue(h.server.context.metrics.registry, 'camden_deliveries_total', { platform: 'slack', outcome: 'duplicate' })) > duplicates, { what: 'the retried event ignored' });
    expect(postsTo(dmChannel(USERS.staff), from)).toHaveLength(2);
  });

  it.each([
    ['429 with a Retry-After past the wait budget', { kind: 'ratelimited', retryAfterSeconds: 60 } as const, 'rate_limited'],
    ['HTTP 500', { kind: 'http', status: 500 } as const, 'http'],
    ['a timeout', { kind: 'hang' } as const, 'request'],
  ])('%s: the answer is not retried blindly (no duplicate), the failure is logged and counted, the server stays healthy', async (_name, failure, code) => {
    const counted = await errorCount('slack_answer', code);
    const from = h.fake.calls.length;
    const logsFrom = h.logs.lines.length;
    h.fake.failNext('chat.postMessage', failure);
    const dm = await h.dm(USERS.staff, QUESTION);
    expect(dm.status).toBe(200);
    await waitFor(
      () => h.logs.lines.slice(logsFrom).some((l) => l.level >= 50 && /replying to a message failed/.test(l.msg)), { what: 'the failure logged at error level', timeout: 15_000 },
    );
    // Logged once posting has given up: no later attempt can follow.
    expect(postsTo(dmChannel(USERS.staff), from)).toHaveLength(1);
    // The :eyes: reaction is taken off again, so the asker is not left waiting on a spinner.
    await h.fake.waitFor((calls) => calls.slice(from).some((c) => c.method === 'reactions.remove' && c.args.timestamp === dm.ts), 5_000);
    // Surfaced beyond the log: camden_errors_total, for alerting.
    expect(await errorCount('slack_answer', code)).toBe(counted + 1);
    await expectHealthy();
  });

  it('/ask whose response_url never answers: given up within the Slack timeout, logged, one attempt, server healthy', async () => {
    const logsFrom = h.logs.lines.length;
    h.fake.failNext('response_url', { kind: 'hang' });
    const ask = await h.command('/ask', QUESTION, USERS.staff);
    // Bounded: the listener must not hold on to a dead response_url (it would also hold up shutdown).
    await waitFor(() => h.logs.lines.slice(logsFrom).some((l) => l.level >= 50 && l.msg === 'slash command failed' && l.command === 'ask'), { what: '/ask failure logged', timeout: 15_000 });
    expect(h.responses(ask.responseId)).toHaveLength(1);
    await expectHealthy();
  });

  it('/ask whose response_url answers 500: logged and counted, one attempt, server healthy', async () => {
    const counted = await errorCount('slack_ask', 'other');
    const logsFrom = h.logs.lines.length;
    h.fake.failNext('response_url', { kind: 'http', status: 500 });
    const ask = await h.command('/ask', QUESTION, USERS.staff);
    await waitFor(() => h.logs.lines.slice(logsFrom).some((l) => l.level >= 50 && l.msg === 'slash command failed' && l.command === 'ask'), { what: '/ask failure logged', timeout: 15_000 });
    expect(h.responses(ask.responseId)).toHaveLength(1);
    expect(await errorCount('slack_ask', 'other')).toBe(counted + 1);
    await expectHealthy();
  });
});

describe('job notifications (reminders through the notification queue)', () => {
  const claimsFor = async (period: string) =>
    (await ts.store.db.query<{ recipient: string; state: string; error_code: string | null }>(
      "SELECT recipient, state, error_code FROM notification_claims WHERE kind = 'reminder' AND period = $1 ORDER BY recipient",
      [period],
    )).rows;

  /** Run a reminder for the week of `at` with the first post failing as given; returns the calls made for it. */
  async function reminderWithFailure(at: string, failure: Parameters<FaultServer['fake']['failNext']>[1]) {
    const jobs = h.server.jobs!;
    const from = h.fake.calls.length;
    h.fake.failNext('chat.postMessage', failure);
    await jobs.runNow('reminder', new Date(at));
    return from;
  }

  it('429 with Retry-After: the queue waits, then each lead gets the reminder exactly once', async () => {
    const from = await reminderWithFailure('2026-11-06T14:00:00Z', { kind: 'ratelimited', retryAfterSeconds: 1 });
    await waitFor(async () => (await claimsFor('2026-11-02')).filter((c) => c.state === 'sent').length === 2, { what: 'both reminders sent', timeout: 30_000 });
    await waitForIdle(h.server.jobs!.queues, 30_000);
    const lead = postsTo(dmChannel(USERS.lead), from);
    const multi = postsTo(dmChannel(USERS.multiLead), from);
    // One call was refused with 429 (nothing delivered); the other posts were accepted, one per lead.
    expect(lead.length + multi.length).toBe(3);
    const refused = h.fake.calls.slice(from).find((c) => c.method === 'chat.postMessage')!;
    const accepted = (calls: typeof lead) => calls.filter((c) => c !== refused).length;
    expect(accepted(lead)).toBe(1);
    expect(accepted(multi)).toBe(1);
  });

  it('HTTP 500: retried with backoff (nothing went out) and delivered exactly once', async () => {
    const from = await reminderWithFailure('2026-10-30T14:00:00Z', { kind: 'http', status: 500 });
    await waitFor(async () => (await claimsFor('2026-10-26')).filter((c) => c.state === 'sent').length === 2, { what: 'both reminders sent', timeout: 45_000 });
    await waitForIdle(h.server.jobs!.queues, 30_000);
    const refused = h.fake.calls.slice(from).find((c) => c.method === 'chat.postMessage')!;
    const accepted = (user: string) => postsTo(dmChannel(user), from).filter((c) => c !== refused).length;
    expect(accepted(USERS.lead)).toBe(1);
    expect(accepted(USERS.multiLead)).toBe(1);
  });

  it('a timeout: the post may have been delivered, so it is not sent again; the failure is recorded and logged', async () => {
    const logsFrom = h.logs.lines.length;
    const from = await reminderWithFailure('2026-10-23T14:00:00Z', { kind: 'hang' });
    await waitFor(async () => (await claimsFor('2026-10-19')).every((c) => c.state !== 'sending') && (await claimsFor('2026-10-19')).length === 2, { what: 'both reminders settled', timeout: 45_000 });
    // Idle counts retries waiting out their backoff: none is pending, so nothing will be resent later.
    await waitForIdle(h.server.jobs!.queues, 45_000);
    const timedOut = h.fake.calls.slice(from).find((c) => c.method === 'chat.postMessage')!;
    const timedOutUser = timedOut.args.channel === dmChannel(USERS.lead) ? USERS.lead : USERS.multiLead;
    const other = timedOutUser === USERS.lead ? USERS.multiLead : USERS.lead;
    expect(postsTo(dmChannel(timedOutUser), from)).toHaveLength(1);
    expect(postsTo(dmChannel(other), from)).toHaveLength(1);
    const claims = await claimsFor('2026-10-19');
    expect(claims.filter((c) => c.state === 'sent')).toHaveLength(1);
    expect(claims.find((c) => c.state !== 'sent')).toMatchObject({ state: 'unknown' });
    expect(h.logs.lines.slice(logsFrom).some((l) => l.level >= 40 && /timed out|may have been delivered/i.test(l.msg))).toBe(true);
    await expectHealthy();
  });
});
