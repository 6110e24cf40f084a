import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs, type JobsHandle } from '../../jobs/index.js';
import { jobsServicesFromStore } from '../../app/compose.js';
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
    await jobs.runNow('reminder', new Date('2026-11-27T09:00:00Z'));
    await waitForIdle(jobs.queues);
    const dm = h.connector.messages('a:personal-ola');
    expect(dm).toHaveLength(1);
    const card = JSON.stringify(dm[0]!.body.attachments);
    expect(card).toContain('Euston Skills Centre');
    expect(card).toContain('for example: attendance week 2026-11-23 sessions 6');
    expect(card).not.toMatch(/\/attendance/);
  });
});
