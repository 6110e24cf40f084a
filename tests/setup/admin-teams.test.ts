/**
 * The same admin words in Teams: "admin list" in the personal chat (a card readable at phone width), "post digests
 * here" said in a channel with the bot @mentioned, and Teams' own words in help (no slash commands, no Slack-only
 * commands).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotConnector, type FakeBotConnector } from '../helpers/fake-bot-connector.js';
import { startSlackHarness, TEAMS_IDS, TEAMS_TENANT_ID, type SlackHarness } from '../helpers/slack-harness.js';
import { activity } from '../helpers/teams-harness.js';

let h: SlackHarness;
let connector: FakeBotConnector;
const ADMIN = { aadObjectId: TEAMS_IDS.admin, tenantId: TEAMS_TENANT_ID };
const LEAD = { aadObjectId: TEAMS_IDS.lead, tenantId: TEAMS_TENANT_ID };
const CHANNEL = '19:network-leads@thread.tacv2';

beforeAll(async () => {
  connector = await startFakeBotConnector();
  h = await startSlackHarness('postgres', { TEAMS_LOCAL_DEV: 'true' });
});

afterAll(async () => {
  await h?.close();
  await connector?.close();
});

async function say(from: { aadObjectId: string; tenantId: string }, text: string, conversation?: { id: string; conversationType: 'personal' | 'channel' }) {
  const conv = conversation ?? { id: `a:personal-${from.aadObjectId}`, conversationType: 'personal' as const };
  // Replies in a channel go to its thread (";messageid=…"), so messages are matched on the channel's id.
  const here = () => connector.messages().filter((m) => (m.conversationId ?? '').startsWith(conv.id.split(';')[0]!));
  const before = here().length;
  const res = await fetch(`${h.server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity(connector.serviceUrl, { from, text, conversation: conv, mention: conv.conversationType === 'channel' })),
    signal: AbortSignal.timeout(60_000),
  });
  expect(res.status).toBe(200);
  const reply = here()[before];
  if (!reply) throw new Error(`no reply; connector calls: ${JSON.stringify(connector.calls.map((c) => [c.kind, c.conversationId, c.status]))}`);
  const body = reply.body;
  return body;
}

describe('administration in Teams', () => {
  it('admin list: people and whether each is reachable, as facts per person (no Table element)', async () => {
    const body = await say(ADMIN, 'admin list');
    const card = body.attachments[0].content;
    expect(JSON.stringify(card)).not.toContain('"Table"');
    const sam = card.body.find((e: any) => e.type === 'Container' && e.items?.[0]?.text === 'Sam Okafor');
    expect(sam.items[1].facts).toEqual(
      expect.arrayContaining([
        { title: 'Email', value: 'sam.okafor@example.org' },
        { title: 'Slack', value: 'yes' },
      ]),
    );
  });

  it('"post digests here" in a channel adds it; said again, it says so; "stop posting digests here" removes it', async () => {
    const added = await say(ADMIN, 'post digests here', { id: CHANNEL, conversationType: 'channel' });
    expect(JSON.stringify(added)).toContain('The weekly digest will be posted in this channel every week from now on.');
    expect((await h.server.context.directory.digestChannels()).teams).toEqual([CHANNEL]);
    const again = await say(ADMIN, 'post digests here', { id: `${CHANNEL};messageid=123`, conversationType: 'channel' });
    expect(JSON.stringify(again)).toContain('already posted in this channel');
    // A lead cannot.
    const refused = await say(LEAD, 'post digests here', { id: CHANNEL, conversationType: 'channel' });
    expect(JSON.stringify(refused)).toMatch(/Only admins can use admin commands/);
    const removed = await say(ADMIN, 'stop posting digests here', { id: CHANNEL, conversationType: 'channel' });
    expect(JSON.stringify(removed)).toContain('will no longer be posted in this channel');
    expect((await h.server.context.directory.digestChannels()).teams).toEqual([]);
  });

  it('help for an admin in Teams: Teams words only', async () => {
    const body = await say(ADMIN, 'help');
    const text = JSON.stringify(body);
    expect(text).toContain('admin run reminder|nudge|digest');
    expect(text).toContain('post digests here');
    expect(text).not.toMatch(/\/(ask|attendance|digest)\b/);
    expect(text).not.toContain('digest-channel');
  });
});
