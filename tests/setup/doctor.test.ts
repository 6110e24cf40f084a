/**
 * The first-run check against the fakes: Slack's auth.test scopes and channel rules, Entra's token endpoint with its
 * real error codes, the Bot Connector's roster, and the directory; and the same data on /healthz?verbose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../app/doctor.js';
import { loadConfig } from '../../src/config.js';
import { DirectoryService } from '../../src/directory/service.js';
import { importDirectory } from '../../src/directory/import.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import { formatDoctorReport, type DoctorReport } from '../../src/shared/doctor.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { startFakeBotConnector, type FakeBotConnector } from '../helpers/fake-bot-connector.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { startSlackHarness } from '../helpers/slack-harness.js';
import { deletePrefix, uniquePrefix } from '../jobs/helpers.js';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const DIRECTORY = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
  - id: la-sainte-union
    name: La Sainte Union Opportunity Centre
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
    slack: { user: U0LEAD001, team: T0CAMDEN }
  - name: Nia Roberts
    email: nia.roberts@example.org
    roles: [network_lead]
digest:
  slackChannels: [C0PUBLIC1, C0PRIVATE]
  teamsChannels: ['19:digest@thread.tacv2']
`;

let slack: FakeSlack;
let connector: FakeBotConnector;
let t: TestStore;
let dir: DirectoryService;

beforeAll(async () => {
  slack = await startFakeSlack();
  connector = await startFakeBotConnector();
  t = await openTestStore('postgres');
  await importDirectory(t.store, parseDirectoryFile(DIRECTORY));
  dir = new DirectoryService(t.store, { timeZone: 'Europe/London' });
  slack.addChannel({ id: 'C0PUBLIC1', name: 'network-leads' });
  slack.addChannel({ id: 'C0PRIVATE', name: 'heads', isPrivate: true });
  connector.registerApp({ appId: APP_ID, secret: 'right-secret', tenantId: TENANT, type: 'SingleTenant' });
});

afterAll(async () => {
  await t?.close();
  await connector?.close();
  slack.refused.length = 0;
  await slack?.close();
});

const env = (extra: Record<string, string> = {}) =>
  loadConfig({
    LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_API_URL: slack.apiUrl,
    MICROSOFT_APP_ID: APP_ID,
    MICROSOFT_APP_PASSWORD: 'right-secret',
    MICROSOFT_APP_TENANT_ID: TENANT,
    ...extra,
  });

const doctor = (extra: Record<string, string> = {}) =>
  runDoctor(env(extra), { directory: dir, teamsLoginUrl: connector.serviceUrl, teamsChannelServiceUrl: connector.serviceUrl });

function check(r: DoctorReport, section: string, name: string) {
  const c = r.sections.find((s) => s.title === section)?.checks.find((x) => x.name.startsWith(name));
  if (!c) throw new Error(`no check "${name}" in ${section}:\n${formatDoctorReport(r)}`);
  return c;
}

describe('doctor', () => {
  it('Slack: the token works with every scope; a private channel the bot is not in is a problem with its fix', async () => {
    const r = await doctor();
    expect(check(r, 'Slack', 'bot token')).toMatchObject({ ok: true });
    expect(check(r, 'Slack', 'scopes')).toMatchObject({ ok: true });
    expect(check(r, 'Slack', 'digest channel #network-leads')).toMatchObject({ ok: true });
    // A private channel the bot was not invited to does not exist as far as the bot can tell.
    expect(check(r, 'Slack', 'digest channel (C0PRIVATE)')).toMatchObject({ ok: false, fix: expect.stringContaining('/invite @Camden staff bot') });
  });

  it('Slack: missing scopes are named with what they are for; a bad token says where to copy the right one', async () => {
    const granted = [...slack.scopes];
    slack.scopes.splice(0, slack.scopes.length, ...granted.filter((s) => s !== 'users:read.email' && s !== 'chat:write.public'));
    try {
      const r = await doctor();
      expect(check(r, 'Slack', 'scopes').ok).toBe(false);
      expect(check(r, 'Slack', 'scopes').detail).toMatch(/missing chat:write\.public .*users:read\.email \(link people to the directory by their email/);
      expect(check(r, 'Slack', 'scopes').fix).toMatch(/slack-manifest.*Reinstall to Workspace/);
      // Without chat:write.public, a public channel the bot has not joined is a problem too.
      expect(check(r, 'Slack', 'digest channel #network-leads')).toMatchObject({ ok: false, fix: expect.stringContaining('/invite') });
    } finally {
      slack.scopes.splice(0, slack.scopes.length, ...granted);
    }
    slack.failNext('auth.test', { kind: 'error', error: 'invalid_auth' });
    const bad = await doctor();
    expect(check(bad, 'Slack', 'bot token')).toMatchObject({ ok: false, detail: expect.stringContaining('Slack does not know this token'), fix: expect.stringContaining('OAuth & Permissions') });
  });

  it('Teams: SingleTenant gets a token from its tenant; Entra\'s refusals become fixes', async () => {
    const r = await doctor();
    expect(check(r, 'Teams', 'configured').detail).toContain(`SingleTenant, app id ${APP_ID}, tenant ${TENANT}`);
    expect(check(r, 'Teams', 'Bot Framework token')).toMatchObject({ ok: true });
    expect(check(r, 'Teams', 'digest channel 19:digest@thread.tacv2')).toMatchObject({ ok: true });
    const wrongSecret = await doctor({ MICROSOFT_APP_PASSWORD: 'secret-id-not-value' });
    expect(check(wrongSecret, 'Teams', 'Bot Framework token')).toMatchObject({ ok: false, detail: expect.stringContaining('AADSTS7000215'), fix: expect.stringContaining('its Value (not the Secret ID)') });
    // The trap of a tenant created today: a single-tenant bot configured as MultiTenant.
    const multi = await doctor({ MICROSOFT_APP_TYPE: 'MultiTenant' });
    expect(check(multi, 'Teams', 'Bot Framework token')).toMatchObject({ ok: false, detail: expect.stringContaining('AADSTS700016'), fix: expect.stringContaining('MICROSOFT_APP_TYPE=SingleTenant') });
    const tenant = await doctor({ MICROSOFT_APP_TENANT_ID: '00000000-0000-4000-8000-000000000000' });
    expect(check(tenant, 'Teams', 'Bot Framework token').detail).toContain('AADSTS90002');
  });

  it('Directory: leads nobody can message yet are named, with how they get linked', async () => {
    const r = await doctor();
    expect(check(r, 'Directory', 'reminders and digests')).toMatchObject({ ok: false, detail: expect.stringContaining('Nia Roberts <nia.roberts@example.org>') });
    expect(check(r, 'Directory', 'reminders and digests').detail).not.toContain('Sam Okafor');
    expect(check(r, 'Directory', 'centres without a lead')).toMatchObject({ ok: false, detail: 'la-sainte-union' });
    expect(check(r, 'Directory', 'admins')).toMatchObject({ ok: false });
    expect(check(r, 'Directory', 'linked on Teams').detail).toBe('0 of 2; not yet: Nia Roberts <nia.roberts@example.org>, Sam Okafor <sam.okafor@example.org>');
    expect(formatDoctorReport(r)).toMatch(/\d+ problems to fix/);
  });
});

describe('/healthz?verbose', () => {
  it('serves the same check behind ADMIN_PASSWORD only', async () => {
    const prefix = uniquePrefix();
    const h = await startSlackHarness('postgres', { ADMIN_PASSWORD: 'a-long-admin-password', QUEUE_PREFIX: prefix });
    try {
      const url = `${h.server.url}/healthz?verbose`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` } })).status).toBe(401);
      const res = await fetch(url, { headers: { authorization: `Basic ${Buffer.from('admin:a-long-admin-password').toString('base64')}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { status: string; doctor: DoctorReport };
      expect(body.status).toBeDefined();
      expect(body.doctor.sections.map((s) => s.title)).toEqual(['Store', 'Jobs', 'Slack', 'Teams', 'Directory']);
      expect(body.doctor.sections.find((s) => s.title === 'Slack')!.checks.find((c) => c.name === 'bot token')!.ok).toBe(true);
      // Plain /healthz is unchanged.
      expect(await (await fetch(`${h.server.url}/healthz`)).json()).not.toHaveProperty('doctor');
    } finally {
      await h.close();
      await deletePrefix(prefix);
    }
    const off = await startSlackHarness('postgres');
    try {
      expect((await fetch(`${off.server.url}/healthz?verbose`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
