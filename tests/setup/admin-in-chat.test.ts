/**
 * Done when: an admin adds a new lead, pauses and resumes a centre, and runs the reminder now from chat; a second
 * `admin run reminder` for the same week sends nothing new. The real server with its in-process jobs (BullMQ on real
 * Redis, notification claims in Postgres), driven by signed Slack DMs against the fake Web API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockText, startSlackHarness, USERS, type SlackHarness } from '../helpers/slack-harness.js';
import { newTs } from '../helpers/slack-requests.js';
import { deletePrefix, uniquePrefix } from '../jobs/helpers.js';

let h: SlackHarness;
const prefix = uniquePrefix();
const ADMIN_DM = 'D0ADMIN01';

beforeAll(async () => {
  h = await startSlackHarness('postgres', { JOBS_IN_PROCESS: 'true', QUEUE_PREFIX: prefix });
  h.fake.addUser({ id: 'U0NORA001', name: 'Nora Newlead', email: 'nora.newlead@example.org' });
});

afterAll(async () => {
  await h?.close();
  await deletePrefix(prefix);
});

/** The admin types `words` in their DM with the bot; returns what the bot answered there. */
async function dm(words: string): Promise<string> {
  const ts = newTs();
  await h.event({ type: 'message', channel_type: 'im', channel: ADMIN_DM, user: USERS.admin, text: words, ts, team: 'T0CAMDEN' });
  await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts), 60_000);
  const posts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === ADMIN_DM && c.args.thread_ts === undefined);
  return blockText(posts.at(-1)!.args.blocks);
}

/** Reminders delivered to leads' DMs (the fake opens D<user> for U<user>). */
function remindersTo(): string[] {
  return h.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel !== ADMIN_DM && /attendance return/i.test(String(c.args.text)))
    .map((c) => String(c.args.channel));
}

describe('an admin sets up and runs the week from chat', () => {
  it('adds a new lead by email (Slack account linked by users.lookupByEmail), in the words Slack shows', async () => {
    // Slack turns a typed email into a mailto link and a picked channel into <#id|name>; the core reads the address.
    const text = await dm('admin register <mailto:nora.newlead@example.org|nora.newlead@example.org> oc_lead la-sainte-union name "Nora Newlead"');
    expect(text).toContain('Nora Newlead (nora.newlead@example.org): added to the directory; role centre lead (oc_lead) added; now leads La Sainte Union Opportunity Centre.');
    expect(text).toContain('Slack: linked to their account (found by email).');
    const nora = await h.server.context.directory.findPersonByEmail('nora.newlead@example.org');
    expect(nora).toMatchObject({ roles: ['oc_lead'], centres: ['la-sainte-union'], slack: { user: 'U0NORA001', linkedVia: 'admin' } });
    expect(h.fake.callsTo('users.lookupByEmail').map((c) => c.args.email)).toEqual(['nora.newlead@example.org']);
  });

  it('lists people with whether each can be reached', async () => {
    const text = await dm('admin list la-sainte-union');
    expect(text).toContain('Nora Newlead');
    expect(text).toContain('La Sainte Union Opportunity Centre: people');
  });

  it('pauses a centre, runs the reminder now, resumes, runs again; a further run sends nothing new', async () => {
    expect(await dm('admin pause acland-burghley until 2099-01-31')).toContain('Reminders for Acland Burghley Opportunity Centre are paused until 31 Jan 2099');

    const first = await dm('admin run reminder');
    expect(first).toMatch(/Sent 2 reminders for the week of \d+ \w+ \d{4}: Priya Shah \(Slack\); Nora Newlead \(Slack\)|Sent 2 reminders for the week of \d+ \w+ \d{4}: Nora Newlead \(Slack\); Priya Shah \(Slack\)/);
    expect(first).not.toContain('Sam Okafor');
    expect(remindersTo().sort()).toEqual(['D0LEAD002', 'D0NORA001']);

    expect(await dm('admin resume acland-burghley')).toContain('Reminders for Acland Burghley Opportunity Centre are on again (they had been paused until 31 Jan 2099).');
    const second = await dm('admin run reminder');
    expect(second).toMatch(/Sent 1 reminder for the week of .*: Sam Okafor \(Slack\)\./);
    expect(second).toMatch(/Already sent for the week of .*, so not sent again: .*Priya Shah/);
    expect(remindersTo().sort()).toEqual(['D0LEAD001', 'D0LEAD002', 'D0NORA001']);

    const third = await dm('admin run reminder');
    expect(third).toContain('Nothing new was sent for the week of');
    expect(third).toMatch(/Already sent .*Sam Okafor/);
    expect(remindersTo()).toHaveLength(3);

    // Every change is in the audit.
    const audit = await h.server.context.store.directory.listChanges({ limit: 10 });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['register', 'link', 'pause', 'resume']));
  });

  it('others are refused, and a malformed command says what to fix', async () => {
    const ts = newTs();
    await h.event({ type: 'message', channel_type: 'im', channel: 'D0LEADX01', user: USERS.lead, text: 'admin run reminder', ts, team: 'T0CAMDEN' });
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts), 60_000);
    const reply = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0LEADX01').at(-1)!;
    expect(blockText(reply.args.blocks)).toMatch(/only admins/i);
    expect(await dm('admin run reminders week soon')).toContain('week must be a date YYYY-MM-DD, got "soon"');
    expect(remindersTo()).toHaveLength(3);
  });
});
