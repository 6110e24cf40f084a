/**
 * Fault: the Teams Bot Connector (a local fake at its HTTP edge) answers 403 to a proactive reminder (the person
 * removed or blocked the bot). Through the real server with jobs in process: the identity is marked unreachable
 * in the directory, the BullMQ job fails permanently on its first attempt (no retry), and the claim is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { notificationJobId } from '../../jobs/notification-job.js';
import { NotificationClaimsRepo } from '../../src/store/notification-claims-repo.js';
import { waitForIdle } from '../jobs/helpers.js';
import { startFakeBotConnector, type FakeBotConnector } from '../helpers/fake-bot-connector.js';
import { waitFor } from '../helpers/wait.js';
import type { FaultServer } from '../helpers/fault-server.js';
import { startTeamsFaultServer, teamsLeadTalksOnce } from '../helpers/fault-teams.js';
import { TEAMS_USERS } from '../helpers/teams-server.js';
import type { TestStore } from '../helpers/store.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

let h: FaultServer;
let ts: TestStore;
let connector: FakeBotConnector;

beforeAll(async () => {
  connector = await startFakeBotConnector();
  cleanups.push(() => connector.close());
  ({ h, ts } = await startTeamsFaultServer(connector.serviceUrl, cleanups));
});

describe('Teams connector answers 403 to a reminder', () => {
  it('marks the identity unreachable, fails the job permanently without retrying, and records it', async () => {
    const lead = TEAMS_USERS.lead;
    const { conversation, person } = await teamsLeadTalksOnce(h, ts, connector, connector.serviceUrl);
    expect(person.teams?.reachable).not.toBe(false);

    // From now on Teams refuses: the bot was removed.
    connector.failAlways(conversation, { status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } } });
    const callsBefore = connector.calls.filter((c) => c.conversationId === conversation).length;
    const jobs = h.server.jobs!;
    await jobs.runNow('reminder', new Date('2026-11-06T14:00:00Z'));
    const key = { kind: 'reminder' as const, recipient: `person:${person.id}`, period: '2026-11-02' };
    const notify = jobs.queues.find((q) => q.name === 'notifications')!;
    let job: Job | undefined;
    await waitFor(async () => {
      job = await notify.getJob(notificationJobId(key));
      return job?.finishedOn !== undefined;
    }, { what: 'the reminder job finished', timeout: 30_000 });
    await waitForIdle(jobs.queues, 30_000);

    // One attempt at the connector, no retry by the notifier, BullMQ or anyone else.
    expect(connector.calls.filter((c) => c.conversationId === conversation).length - callsBefore).toBe(1);
    expect(await job!.getState()).toBe('failed');
    expect(job!.attemptsMade).toBe(1);
    expect(job!.failedReason).toMatch(/removed|blocked|403|forbidden/i);

    // Recorded: the identity is unreachable, the claim failed permanently, and it was logged.
    const after = (await ts.store.directory.findPersonByTeams(lead.tenantId, lead.aadObjectId))!;
    expect(after.teams?.reachable).toBe(false);
    expect(await new NotificationClaimsRepo(ts.store.db).get(key)).toMatchObject({ state: 'failed', errorCode: 'permanent' });
    expect(h.logs.find(/Teams identity marked unreachable/, 40)).toHaveLength(1);

    // The next run does not try again: the person is known unreachable.
    await jobs.runNow('reminder', new Date('2026-11-06T14:00:00Z'));
    await waitForIdle(jobs.queues, 30_000);
    await jobs.runNow('reminder', new Date('2026-11-13T14:00:00Z'));
    await waitForIdle(jobs.queues, 30_000);
    expect(connector.calls.filter((c) => c.conversationId === conversation).length - callsBefore).toBe(1);
    const later = await new NotificationClaimsRepo(ts.store.db).get({ ...key, period: '2026-11-09' });
    expect(later).toMatchObject({ state: 'failed', errorCode: 'unreachable' });
  });
});
