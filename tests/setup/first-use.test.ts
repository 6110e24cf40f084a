/**
 * Done when: with a directory file holding only names, emails, roles and centres, a lead who has never been linked
 * submits a return from Slack and from Teams on first use. One real server runs both adapters; Slack's users.info
 * and Teams' roster (the fakes, as strict as the platforms) say who the person is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotConnector, type FakeBotConnector } from '../helpers/fake-bot-connector.js';
import { blockText, startSlackHarness, type SlackHarness } from '../helpers/slack-harness.js';
import { activity } from '../helpers/teams-harness.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** Names, emails, roles and centres: no Slack or Teams ids anywhere. */
const EMAIL_ONLY = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
    from: 2026-01-05
  - id: la-sainte-union
    name: La Sainte Union Opportunity Centre
    from: 2026-01-05
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
  - name: Priya Shah
    email: priya.shah@example.org
    roles: [oc_lead]
    centres: [la-sainte-union]
  - name: Jo Noscope
    email: jo.noscope@example.org
    roles: [oc_lead]
    centres: [la-sainte-union]
`;

const QUICK = 'sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3';
const PRIYA = { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000b002', tenantId: TENANT };
const STRANGER = { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000b999', tenantId: TENANT };

let h: SlackHarness;
let connector: FakeBotConnector;

beforeAll(async () => {
  connector = await startFakeBotConnector();
  h = await startSlackHarness('postgres', { TEAMS_LOCAL_DEV: 'true' }, undefined, { directoryYaml: EMAIL_ONLY });
  h.fake.addUser({ id: 'U0SAM0001', name: 'Sam Okafor', email: 'Sam.Okafor@example.org' });
  h.fake.addUser({ id: 'U0TEACH01', name: 'Terry Teacher', email: 'terry.teacher@example.org' });
});

afterAll(async () => {
  await h?.close();
  await connector?.close();
});

async function slashReply(command: string, text: string, user: string) {
  const { responseId } = await h.command(command, text, user);
  await h.fake.waitFor(() => h.responses(responseId).length > 0, 60_000);
  return blockText(h.responses(responseId)[0].blocks);
}

async function teams(from: typeof PRIYA, text: string) {
  const conversation = { id: `a:personal-${from.aadObjectId}`, conversationType: 'personal' as const };
  const before = connector.messages(conversation.id).length;
  const res = await fetch(`${h.server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity(connector.serviceUrl, { from, text, conversation })),
    signal: AbortSignal.timeout(60_000),
  });
  expect(res.status).toBe(200);
  const body = connector.messages(conversation.id).slice(before)[0]!.body;
  return JSON.stringify(body);
}

describe('first use, known only by email', () => {
  it('Slack: a lead never linked submits a return with /attendance; users.info links them once', async () => {
    expect(await h.testStore.store.directory.findPersonBySlack('T0CAMDEN', 'U0SAM0001')).toBeNull();
    const text = await slashReply('/attendance', QUICK, 'U0SAM0001');
    expect(text).toContain('Return received for Acland Burghley Opportunity Centre');
    const sam = await h.testStore.store.directory.findPersonByEmail('sam.okafor@example.org');
    expect(sam?.slack).toEqual({ user: 'U0SAM0001', team: 'T0CAMDEN', linkedVia: 'email' });
    expect(h.fake.callsTo('users.info').map((c) => c.args.user)).toEqual(['U0SAM0001']);
    // Known from now on: Slack is not asked again.
    expect(await slashReply('/attendance', 'status', 'U0SAM0001')).toContain('Acland Burghley');
    expect(h.fake.callsTo('users.info')).toHaveLength(1);
  });

  it('Slack: a teacher whose email is in no entry stays plain staff', async () => {
    const text = await slashReply('/attendance', QUICK, 'U0TEACH01');
    expect(text).toMatch(/Only registered Opportunity Centre leads/);
    expect(await h.testStore.store.directory.findPersonBySlack('T0CAMDEN', 'U0TEACH01')).toBeNull();
  });

  it('Teams: a lead never linked submits a return in their first message; the roster gives their email', async () => {
    connector.addMember(`a:personal-${PRIYA.aadObjectId}`, {
      id: `29:${PRIYA.aadObjectId}`,
      aadObjectId: PRIYA.aadObjectId,
      name: 'Priya Shah',
      email: 'priya.shah@example.org',
      userPrincipalName: 'priya.shah@example.org',
      tenantId: TENANT,
    });
    const reply = await teams(PRIYA, `attendance ${QUICK}`);
    expect(reply).toContain('Return received for La Sainte Union Opportunity Centre');
    const priya = await h.testStore.store.directory.findPersonByEmail('priya.shah@example.org');
    expect(priya?.teams).toMatchObject({ aadObjectId: PRIYA.aadObjectId, tenantId: TENANT, linkedVia: 'email' });
    // The conversation reference stored by the same message now belongs to her: reminders can reach her.
    expect(priya?.teams?.conversationReference).toBeTruthy();
    expect(connector.calls.filter((c) => c.kind === 'member').map((c) => [c.conversationId, c.status])).toEqual([[`a:personal-${PRIYA.aadObjectId}`, 200]]);
  });

  it('Teams: installing the app for a lead (IT\'s setup policy) links them by email before they ever write', async () => {
    const JO = { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000b003', tenantId: TENANT };
    const conversation = { id: `a:personal-${JO.aadObjectId}`, conversationType: 'personal' as const };
    connector.addMember(conversation.id, { id: `29:${JO.aadObjectId}`, aadObjectId: JO.aadObjectId, name: 'Jo Noscope', userPrincipalName: 'JO.NOSCOPE@example.org', tenantId: TENANT });
    const install = { ...activity(connector.serviceUrl, { from: JO, type: 'installationUpdate', conversation }), action: 'add' };
    const res = await fetch(`${h.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(install),
      signal: AbortSignal.timeout(60_000),
    });
    expect(res.status).toBe(200);
    const jo = await h.testStore.store.directory.findPersonByEmail('jo.noscope@example.org');
    // Known by the user principal name (no email on the roster), with the conversation the reminders will use.
    expect(jo?.teams).toMatchObject({ aadObjectId: JO.aadObjectId, linkedVia: 'email', conversationReference: expect.objectContaining({ conversation: expect.objectContaining({ id: conversation.id }) }) });
    expect(h.server.teams.notifier.canReach(jo!)).toBe(true);
  });

  it('Teams: someone not on the roster (404) stays plain staff', async () => {
    const reply = await teams(STRANGER, `attendance ${QUICK}`);
    expect(reply).toMatch(/Only registered Opportunity Centre leads/);
    expect(connector.calls.filter((c) => c.kind === 'member').at(-1)?.status).toBe(404);
  });

  it('Slack without users:read.email: users.info gives no email, so nobody is linked (and nothing breaks)', async () => {
    const granted = [...h.fake.scopes];
    h.fake.scopes.splice(h.fake.scopes.indexOf('users:read.email'), 1);
    try {
      h.fake.addUser({ id: 'U0JO00001', name: 'Jo Noscope', email: 'jo.noscope@example.org' });
      const text = await slashReply('/attendance', QUICK, 'U0JO00001');
      expect(text).toMatch(/Only registered Opportunity Centre leads/);
      const info = h.fake.callsTo('users.info').at(-1)!;
      expect(info.args.user).toBe('U0JO00001');
      expect(await h.testStore.store.directory.findPersonBySlack('T0CAMDEN', 'U0JO00001')).toBeNull();
    } finally {
      h.fake.scopes.splice(0, h.fake.scopes.length, ...granted);
    }
  });
});
