import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs, type JobsHandle } from '../../jobs/index.js';
import { createServices, jobsServicesFromStore } from '../../app/compose.js';
import { createReminderReceipts } from '../../jobs/reminder-receipts.js';
import { NotificationClaimsRepo } from '../../src/store/notification-claims-repo.js';
import type { ReturnFigures } from '../../src/attendance/types.js';
import { startTeamsHarness, TENANT, type TeamsHarness } from '../helpers/teams-harness.js';
import { deletePrefix, silentLogger, testConfig, uniquePrefix, waitForIdle } from './helpers.js';

const WEEK = '2026-11-16';
const NIA_AAD = '6f1c0000-0000-4000-8000-0000000nia01';
const CHANNEL = '19:digest0001@thread.tacv2';
const OLA_AAD = '6f1c0000-0000-4000-8000-0000000ola01';

const figs = (f: Partial<ReturnFigures>): ReturnFigures => ({
  sessions: 0, academic: 0, enrichment: 0, careers: 0, digital: 0, weekend: 0, attendances: 0, pupils: 0, fsm: 0, send: 0, parents: 0, ...f,
});

let h: TeamsHarness;
let jobs: JobsHandle;
let prefix: string;

beforeAll(async () => {
  h = await startTeamsHarness();
  const store = h.store.store;
  await store.directory.upsertCentre({ id: 'acland-burghley', name: 'Acland Burghley' });
  await store.directory.upsertCentre({ id: 'euston-skills', name: 'Euston Skills Centre' });
  const { id: nia } = await store.directory.upsertPerson({ name: 'Nia Shah', email: 'nia@example.org' });
  await store.directory.setRoles(nia, ['network_lead']);
  await store.directory.setTeamsIdentity(nia, { aadObjectId: NIA_AAD, tenantId: TENANT });
  // Saved when Nia first talked to the bot in Teams.
  await store.directory.saveTeamsConversationReference(TENANT, NIA_AAD, {
    channelId: 'msteams',
    serviceUrl: h.connector.serviceUrl,
    conversation: { id: 'a:personal-nia', conversationType: 'personal', tenantId: TENANT },
    user: { id: '29:nia', aadObjectId: NIA_AAD },
    bot: { id: '28:camden-bot', name: 'Camden bot' },
  });
  await store.directory.setDigestChannels({ slack: [], teams: [CHANNEL] });
  const { id: ola } = await store.directory.upsertPerson({ name: 'Ola Lead', email: 'ola@example.org' });
  await store.directory.setRoles(ola, ['oc_lead']);
  await store.directory.setLeadCentres(ola, ['euston-skills']);
  await store.directory.setTeamsIdentity(ola, { aadObjectId: OLA_AAD, tenantId: TENANT });
  await store.directory.saveTeamsConversationReference(TENANT, OLA_AAD, {
    channelId: 'msteams',
    serviceUrl: h.connector.serviceUrl,
    conversation: { id: 'a:personal-ola', conversationType: 'personal', tenantId: TENANT },
    user: { id: '29:ola', aadObjectId: OLA_AAD },
    bot: { id: '28:camden-bot', name: 'Camden bot' },
  });
  await store.returns.submit({
    centreId: 'acland-burghley', weekStart: WEEK, figures: figs({ sessions: 6, academic: 4, enrichment: 2, attendances: 120, pupils: 45, fsm: 30, send: 8 }),
    submittedBy: nia, submittedByName: 'Nia Shah', idempotencyKey: 'teams-k1',
  });
  prefix = uniquePrefix();
  jobs = await startJobs({
    config: testConfig(prefix),
    services: jobsServicesFromStore({ store, notifiers: [h.teams.notifier] }),
    logger: silentLogger,
    backoff: { baseMs: 50, maxMs: 200 },
  });
});

afterAll(async () => {
  await jobs?.close();
  await h?.close();
  if (prefix) await deletePrefix(prefix);
});

describe('weekly digest in Teams', () => {
  it('reaches the network lead by proactive message and the digest channel once each, as an Adaptive Card with the chart', async () => {
    await jobs.runNow('digest', new Date('2026-11-23T16:00:00Z'));
    await waitForIdle(jobs.queues);
    await jobs.runNow('digest', new Date('2026-11-23T16:00:00Z'));
    await waitForIdle(jobs.queues);
    const dm = h.connector.messages('a:personal-nia');
    const channel = h.connector.messages(CHANNEL);
    expect(dm).toHaveLength(1);
    expect(channel).toHaveLength(1);
    const card = JSON.stringify(channel[0].body.attachments);
    expect(card).toContain('Weekly attendance digest');
    expect(card).toContain('Acland Burghley');
    expect(card).toContain('Euston Skills Centre');
    expect(card).toContain('data:image/png;base64,');
  });
});

describe('reminders in Teams', () => {
  it('show the quick form in the words Teams users type, without Slack\'s slash', async () => {
    // Friday 27 Nov, 14:00: the reminder about the week of 23 Nov.
    await jobs.runNow('reminder', new Date('2026-11-27T14:00:00Z'));
    await waitForIdle(jobs.queues);
    const dm = h.connector.messages('a:personal-ola');
    expect(dm).toHaveLength(1);
    const card = JSON.stringify(dm[0]!.body.attachments);
    expect(card).toContain('Euston Skills Centre');
    expect(card).toContain('Or type it in one go: attendance sessions 6');
    expect(card).toContain('Without a week it counts for the week of 23 Nov 2026 until Friday 4 Dec, 14:00.');
    expect(card).not.toMatch(/\/attendance/);
  });
});

describe('reminder receipts in Teams', () => {
  it('a return that arrives rewrites the week\'s reminder card in place (updateActivity), with no new message', async () => {
    // The reminder about the week of 23 Nov went out above; Ola now marks that week closed.
    const store = h.store.store;
    const ola = (await store.directory.findPersonByEmail('ola@example.org'))!;
    const claims = new NotificationClaimsRepo(store.db);
    const claim = (await claims.get({ kind: 'reminder', recipient: `person:${ola.id}`, period: '2026-11-23' }))!;
    expect(claim).toMatchObject({ state: 'sent', platform: 'teams', conversationId: 'a:personal-ola', centreIds: ['euston-skills'] });
    await h.attendance.submit(ola, { centreId: 'euston-skills', week: '2026-11-23', figures: {}, closed: true, idempotencyKey: 'teams-closed-1' });
    const services = createServices(store, { SCHEDULE_TIMEZONE: 'Europe/London', QUESTION_LOG_SALT: undefined, QUESTION_LOG_DAYS: 180, TERM_STARTS: undefined });
    const receipts = createReminderReceipts({ claims, directory: services.directory, attendance: services.attendance, notifiers: [h.teams.notifier], timeZone: 'Europe/London', logger: silentLogger });
    const sentBefore = h.connector.messages('a:personal-ola').length;
    await receipts.returnStored({ centreId: 'euston-skills', weekStart: '2026-11-23' });
    await receipts.idle();
    const update = h.connector.calls.find((c) => c.kind === 'update' && c.activityId === claim.messageId)!;
    expect(update.conversationId).toBe('a:personal-ola');
    const card = JSON.stringify(update.body.attachments);
    expect(card).toContain('Attendance return received');
    expect(card).toContain('Euston Skills Centre: marked closed for the week of 23 Nov 2026 (no sessions).');
    // The submit and "no sessions" buttons are gone; one button opens the return filled in to change it.
    expect(card).not.toContain('mark_week_closed');
    const actions = JSON.parse(card)[0].content.actions as any[];
    expect(actions.map((a) => a.title)).toEqual(['Change the return']);
    expect(JSON.stringify(actions[0].data)).toContain('open_attendance_form');
    expect(h.connector.messages('a:personal-ola').filter((c) => c.kind === 'send')).toHaveLength(sentBefore);
  });
});
