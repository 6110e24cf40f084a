/**
 * The same words give the same result in a Slack DM, a Slack slash command and a Teams chat. One table of inputs
 * runs through both real adapters of one real server: Bolt with signed requests against the fake Slack Web API,
 * botbuilder with activities answered through the fake Bot Connector; one store, one person on both platforms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotConnector, type FakeBotConnector } from '../helpers/fake-bot-connector.js';
import { blockText, startSlackHarness, TEAMS_IDS, TEAMS_TENANT_ID, USERS, type SlackHarness } from '../helpers/slack-harness.js';
import { newTs } from '../helpers/slack-requests.js';
import { activity } from '../helpers/teams-harness.js';

let h: SlackHarness;
let connector: FakeBotConnector;

beforeAll(async () => {
  connector = await startFakeBotConnector();
  h = await startSlackHarness('postgres', { TEAMS_LOCAL_DEV: 'true' });
});

afterAll(async () => {
  await h?.close();
  await connector?.close();
});

type Who = keyof typeof TEAMS_IDS;
type Where = 'slack-dm' | 'slack-command' | 'teams-chat';

interface Seen {
  where: Where;
  /** Every text of the reply (Block Kit or Adaptive Card), joined. */
  text: string;
  /** Action ids of the reply's buttons (Block Kit action_id, Adaptive Card verb). */
  actions: string[];
  /** Slack: the modal opened, if any. Teams: the card's input ids. */
  form: string[];
  /** Helpful / Not helpful offered: Slack buttons, or Teams' own feedback buttons. */
  feedback: boolean;
}

let seq = 0;

/** Every string under a value (an Adaptive Card or Block Kit payload). */
function strings(x: unknown, out: string[] = []): string[] {
  if (typeof x === 'string') out.push(x);
  else if (x && typeof x === 'object') for (const v of Object.values(x)) strings(v, out);
  return out;
}

function slackActions(blocks: any[] | undefined): string[] {
  return (blocks ?? []).flatMap((b) => (b.elements ?? []).map((e: any) => e.action_id).filter(Boolean));
}

async function slackDm(who: Who, words: string): Promise<Seen> {
  const channel = `D0PAR${++seq}`;
  const ts = newTs();
  await h.event({ type: 'message', channel_type: 'im', channel, user: USERS[who], text: words, ts, team: 'T0CAMDEN' });
  await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts), 60_000);
  const posts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
  expect(posts).toHaveLength(1);
  const actions = slackActions(posts[0]!.args.blocks);
  return { where: 'slack-dm', text: blockText(posts[0]!.args.blocks), actions, form: [], feedback: actions.includes('feedback_helpful') };
}

async function slackCommand(who: Who, words: string): Promise<Seen> {
  const [first = '', ...rest] = words.split(' ');
  // Slack has /ask, /attendance and /digest; anything else is typed after /ask.
  const [command, text] = ['ask', 'attendance', 'digest'].includes(first.toLowerCase()) ? [`/${first.toLowerCase()}`, rest.join(' ')] : ['/ask', words];
  const opened = h.fake.callsTo('views.open').length;
  const { responseId, triggerId } = await h.command(command, text, USERS[who]);
  await h.fake.waitFor(
    (calls) => h.responses(responseId).length > 0 || calls.some((c) => c.method === 'views.open' && c.args.trigger_id === triggerId),
    60_000,
  );
  const modal = h.fake.callsTo('views.open').slice(opened).find((c) => c.args.trigger_id === triggerId);
  if (modal) {
    const inputs = (modal.args.view.blocks as any[]).filter((b) => b.type === 'input').map((b) => b.block_id);
    return { where: 'slack-command', text: strings(modal.args.view).join('\n'), actions: [], form: inputs, feedback: false };
  }
  const msg = h.responses(responseId)[0];
  const actions = slackActions(msg.blocks);
  let seen = blockText(msg.blocks);
  if (seen.includes('is in your messages with me')) {
    // A reply with a chart (the digest) goes to the person's DM with the bot: read it there.
    const dm = `D${USERS[who].replace(/^U/, '')}`;
    seen += `\n${blockText(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === dm).at(-1)?.args.blocks)}`;
  }
  return { where: 'slack-command', text: seen, actions, form: [], feedback: actions.includes('feedback_helpful') };
}

async function teamsChat(who: Who, words: string): Promise<Seen> {
  const conversation = { id: `a:parity-${++seq}`, conversationType: 'personal' as const };
  const res = await fetch(`${h.server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity(connector.serviceUrl, { from: { aadObjectId: TEAMS_IDS[who], tenantId: TEAMS_TENANT_ID }, text: words, conversation })),
    signal: AbortSignal.timeout(60_000),
  });
  expect(res.status).toBe(200);
  // The turn is over when the server answers.
  const messages = connector.messages(conversation.id);
  expect(messages).toHaveLength(1);
  const body = messages[0]!.body;
  const card = body.attachments?.[0]?.content;
  const inputs = ((card?.body ?? []) as any[]).filter((e) => String(e.type).startsWith('Input.')).map((e) => e.id);
  const actions = strings((card?.actions ?? []).map((a: any) => a.data?.verb));
  const feedback = body.channelData?.feedbackLoopEnabled === true || actions.includes('feedback_helpful');
  return { where: 'teams-chat', text: [body.text ?? '', ...strings(card?.body)].join('\n'), actions, form: inputs, feedback };
}

const everywhere = (who: Who, words: string) => Promise.all([slackDm(who, words), slackCommand(who, words), teamsChat(who, words)]);

const QUICK = 'attendance sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3';

/** Each intent, the words for it, and what every surface must show. */
const TABLE: { intent: string; who: Who; words: string; expect: (seen: Seen) => void }[] = [
  {
    intent: 'help',
    who: 'lead',
    words: 'help',
    expect: (s) => {
      expect(s.text).toContain('What I can do for you');
      // Written once, shown in each platform's words.
      if (s.where === 'teams-chat') {
        expect(s.text).toMatch(/^attendance status: /m);
        expect(s.text).not.toMatch(/\/(ask|attendance|digest)\b/);
      } else {
        expect(s.text).toContain('/attendance status:');
      }
    },
  },
  {
    intent: 'greeting',
    who: 'lead',
    words: 'Good morning!',
    expect: (s) => expect(s.text).toMatch(/Hello Sam! Ask me about post-16 pathways/),
  },
  { intent: 'thanks', who: 'staff', words: 'thanks!', expect: (s) => expect(s.text).toMatch(/You're welcome/) },
  {
    intent: 'ask (answered, with sources)',
    who: 'staff',
    words: 'Which Opportunity Centre was set up with Google?',
    expect: (s) => {
      expect(s.text).toContain('London AI Campus');
      expect(s.feedback).toBe(true);
    },
  },
  { intent: 'ask (not in the documents)', who: 'staff', words: "What's the best pizza place in Camden Town?", expect: (s) => expect(s.text).toMatch(/do not cover that[\s\S]*They cover: /) },
  {
    intent: 'attendance form',
    who: 'lead',
    words: 'attendance',
    expect: (s) => {
      // A slash command opens the modal and Teams sends the card; a Slack message has no trigger, so it gets the button.
      if (s.where === 'slack-dm') expect(s.actions).toEqual(['open_attendance_form']);
      else expect(s.form).toEqual(expect.arrayContaining(['centre', 'week', 'sessions', 'pupils']));
    },
  },
  { intent: 'attendance form (not a lead)', who: 'staff', words: 'attendance', expect: (s) => expect(s.text).toMatch(/Only registered Opportunity Centre leads/) },
  {
    intent: 'attendance quick form',
    who: 'lead',
    words: QUICK,
    // One return, whichever surface stored it first; the others find the same figures.
    expect: (s) => expect(s.text).toMatch(/(Return received|No change: the return) for Acland Burghley Opportunity Centre/),
  },
  {
    intent: 'attendance quick form (bad figures)',
    who: 'lead',
    words: 'attendance sessions 6 academic 4 enrichment 2 attendances 10 pupils 45',
    expect: (s) => expect(s.text).toMatch(/Nothing was saved[\s\S]*pupils \(45\) cannot be more than attendances \(10\)/),
  },
  {
    intent: 'attendance (unknown word)',
    who: 'lead',
    words: 'attendance stauts',
    expect: (s) => {
      const cmd = s.where === 'teams-chat' ? 'attendance' : '/attendance';
      expect(s.text).toContain(`I don't know "${cmd} stauts". Did you mean ${cmd} status?`);
      expect(s.text).toContain(`${cmd} status: which recent returns are in or missing.`);
      expect(s.text).not.toMatch(/is missing|Nothing was saved/);
    },
  },
  {
    intent: 'attendance status',
    who: 'lead',
    words: 'attendance status',
    expect: (s) => {
      expect(s.text).toContain('Attendance returns');
      expect(s.text).toContain('Acland Burghley Opportunity Centre');
    },
  },
  {
    intent: 'digest',
    who: 'network',
    words: 'digest',
    expect: (s) => expect(s.text).toContain('Weekly attendance digest'),
  },
  {
    intent: 'digest (a centre lead)',
    who: 'lead',
    words: 'digest',
    expect: (s) => expect(s.text).toContain(s.where === 'teams-chat' ? 'Use attendance status to see your own centre' : 'Use /attendance status to see your own centre'),
  },
  {
    intent: 'admin (not an admin)',
    who: 'lead',
    words: 'attendance admin pause acland-burghley until 2099-01-01',
    expect: (s) => expect(s.text).toMatch(/Only admins can use admin commands/),
  },
  {
    intent: 'admin (malformed)',
    who: 'admin',
    words: 'attendance admin pause acland-burghley 2099-01-01',
    expect: (s) => expect(s.text).toMatch(/Nothing was saved[\s\S]*until/),
  },
];

describe('one core, both platforms: the same words give the same result', () => {
  it.each(TABLE.map((row) => [row.intent, row] as const))('%s', async (_intent, row) => {
    const seen = await everywhere(row.who, row.words);
    for (const s of seen) {
      try {
        row.expect(s);
      } catch (err) {
        throw new Error(`${s.where} for "${row.words}": ${(err as Error).message}\n--- reply ---\n${s.text}`);
      }
    }
  });

  it('small talk is neither answered from the documents nor logged as a question', async () => {
    const before = h.answerer.calls.length;
    await everywhere('staff', 'hello');
    expect(h.answerer.calls.length).toBe(before);
    const { rows } = await h.testStore.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM question_log WHERE question ILIKE 'hello%'");
    expect(rows[0]!.n).toBe(0);
  });

  it('a quick form sent on all three surfaces stores one return, amended never', async () => {
    const { rows } = await h.testStore.store.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM attendance_return_versions WHERE centre_id = 'acland-burghley'",
    );
    expect(rows[0]!.n).toBe(1);
  });
});
