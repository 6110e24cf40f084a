import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotifierError } from '../../src/bot/notifier.js';
import { createLogger } from '../../src/logger.js';
import { startServer } from '../../app/server.js';
import { formatDate } from '../../src/digest/dates.js';
import { activity, figures } from '../helpers/teams-harness.js';
import { startTeamsServer, TEAMS_USERS, type TeamsServerHarness } from '../helpers/teams-server.js';

/** The real server end to end over HTTP: knowledge base, directory, attendance service and Postgres are all real. */
let h: TeamsServerHarness;
beforeAll(async () => {
  h = await startTeamsServer();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.connector.reset());

const cardText = (body: any): string => {
  const out: string[] = [];
  const walk = (x: any) => {
    if (!x || typeof x !== 'object') return;
    if (typeof x.text === 'string') out.push(x.text);
    if (typeof x.value === 'string') out.push(x.value);
    for (const v of Object.values(x)) walk(v);
  };
  walk(body?.attachments?.[0]?.content?.body);
  return out.join('\n');
};

describe('Teams through the real server', () => {
  it('says in /healthz that Teams runs unauthenticated (local development)', async () => {
    const health = (await (await fetch(`${h.server.url}/healthz`)).json()) as { adapters: { teams: string } };
    expect(health.adapters.teams).toBe('local-dev');
  });

  it('without an explicit host, listens on the loopback address only while Teams is unauthenticated', async () => {
    const server = await startServer({ config: h.config, logger: createLogger('silent'), port: 0, jobs: false, overrides: { store: h.testStore.store, answerer: h.server.context.answerer } });
    try {
      expect(server.address).toBe('127.0.0.1');
    } finally {
      await server.stop();
    }
  });

  it('answers from the real documents with numbered sources', async () => {
    const res = await h.post(activity(h.connector.serviceUrl, { from: TEAMS_USERS.staff, text: 'Which Opportunity Centre was set up with Google?' }));
    expect(res.status).toBe(200);
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'the answer', 60_000);
    const text = cardText(h.connector.messages()[0]!.body);
    expect(text).toContain('London AI Campus');
    expect(text).toMatch(/\*\*1\.\*\* /);
    // The document's real title (knowledge/sources.yaml), not its file name.
    expect(text).toMatch(/Building Back Stronger: Annual Report on Year 3|Camden’s Education Strategy to 2030/);
    expect(text).not.toMatch(/\.(pdf|docx|md|txt|html)\b/);
  });

  it('answers carry Teams’ own feedback buttons, and a vote is stored against the answer', async () => {
    await h.post(activity(h.connector.serviceUrl, { from: TEAMS_USERS.staff, text: 'What is Camden Career Club?' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'the answer', 60_000);
    const answer = h.connector.messages()[0]!;
    expect(answer.body.channelData?.feedbackLoopEnabled).toBe(true);
    expect(JSON.stringify(answer.body)).not.toContain('feedback_helpful');

    const vote = (reaction: 'like' | 'dislike', replyToId: string, text = '') =>
      h.post({
        ...activity(h.connector.serviceUrl, { from: TEAMS_USERS.staff, type: 'invoke' }),
        name: 'message/submitAction',
        // Teams sends what was typed in its feedback dialog as a JSON string.
        value: { actionName: 'feedback', actionValue: { reaction, feedback: JSON.stringify({ feedbackText: text }) } },
        replyToId,
      });
    expect((await vote('dislike', answer.id!, '  It does not say which year groups can join.  ')).status).toBe(200);
    const disliked = await h.testStore.store.db.query<{ helpful: boolean; comment: string | null }>('SELECT helpful, comment FROM bot_feedback');
    expect(disliked.rows).toEqual([{ helpful: false, comment: 'It does not say which year groups can join.' }]);
    expect((await vote('like', answer.id!)).status).toBe(200); // changing one's mind replaces the vote (and its comment)
    const { rows } = await h.testStore.store.db.query<{ helpful: boolean; comment: string | null }>('SELECT helpful, comment FROM bot_feedback');
    expect(rows).toEqual([{ helpful: true, comment: null }]);
    // The map holds no conversation or message ids in the clear (a personal chat's id identifies the asker).
    const map = await h.testStore.store.db.query<Record<string, unknown>>('SELECT * FROM teams_answer_messages');
    expect(map.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(map.rows)).not.toContain(TEAMS_USERS.staff.aadObjectId);
    expect(JSON.stringify(map.rows)).not.toContain(answer.id!);
    // A vote on a message the bot has no answer for is acknowledged and ignored.
    expect((await vote('like', 'no-such-message')).status).toBe(200);
  });

  it('stores the conversation reference in Postgres, and a lead can then be messaged proactively', async () => {
    await h.post(activity(h.connector.serviceUrl, { from: TEAMS_USERS.lead, text: 'help' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'help');
    const row = await h.testStore.store.directory.getTeamsIdentity(TEAMS_USERS.lead.tenantId, TEAMS_USERS.lead.aadObjectId);
    expect(row?.conversationReference).toMatchObject({ serviceUrl: h.connector.serviceUrl, conversation: { id: `a:personal-${TEAMS_USERS.lead.aadObjectId}` } });

    const lead = (await h.testStore.store.directory.findPersonByTeams(TEAMS_USERS.lead.tenantId, TEAMS_USERS.lead.aadObjectId))!;
    expect(h.server.teams.notifier.canReach(lead)).toBe(true);
    h.connector.reset();
    await h.server.teams.notifier.sendDirect(lead, { text: 'Reminder', blocks: [{ kind: 'paragraph', text: 'Reminder: your return is due.' }] });
    expect(h.connector.messages()[0]!.body.text).toBe('Reminder: your return is due.');

    // The lead blocks the bot: Teams answers 403; the directory records it and the notifier stops trying.
    h.connector.failNext(1, { status: 403 });
    await expect(h.server.teams.notifier.sendDirect(lead, { text: 'x', blocks: [] })).rejects.toBeInstanceOf(NotifierError);
    const after = (await h.testStore.store.directory.findPersonByTeams(TEAMS_USERS.lead.tenantId, TEAMS_USERS.lead.aadObjectId))!;
    expect(after.teams?.reachable).toBe(false);
    expect(h.server.teams.notifier.canReach(after)).toBe(false);

    // Talking to the bot again makes them reachable.
    await h.post(activity(h.connector.serviceUrl, { from: TEAMS_USERS.lead, text: 'help' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 2, 'help again');
    const again = (await h.testStore.store.directory.findPersonByTeams(TEAMS_USERS.lead.tenantId, TEAMS_USERS.lead.aadObjectId))!;
    expect(h.server.teams.notifier.canReach(again)).toBe(true);
  });

  it('attendance card: a lead of two centres chooses between them; valid, duplicate and invalid submits', async () => {
    const u = TEAMS_USERS.multiLead;
    await h.post(activity(h.connector.serviceUrl, { from: u, text: 'attendance' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'the form');
    const form = h.connector.messages()[0]!;
    const body = form.body.attachments[0].content.body as any[];
    expect(body.find((e) => e.id === 'centre').choices.map((c: any) => c.value).sort()).toEqual(['camden-career-club', 'london-ai-campus']);
    expect(body.find((e) => e.id === 'centre').value).toBeUndefined(); // nothing preselected: the lead picks
    const defaultWeek = body.find((e) => e.id === 'week').value as string;
    expect(defaultWeek).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const value = { verb: 'attendance_submit', centre: 'london-ai-campus', week: defaultWeek, note: '', ...figures() };
    const submit = activity(h.connector.serviceUrl, { from: u, value, replyToId: form.id! });
    await h.post(submit);
    await h.post(submit); // redelivered
    await h.connector.waitFor((calls) => calls.filter((c) => c.kind === 'update').length >= 2, 'two card updates');
    const stored = await h.server.context.attendance.history('london-ai-campus', defaultWeek);
    expect(stored).toHaveLength(1);
    expect(cardText(h.connector.calls.find((c) => c.kind === 'update')!.body) + h.connector.calls.find((c) => c.kind === 'update')!.body.text).toMatch(/London AI Campus/);

    // Pupils cannot exceed attendances: the service's rule comes back on the card, nothing stored.
    h.connector.reset();
    const bad = { ...value, centre: 'camden-career-club', ...figures({ attendances: '10', pupils: '45', fsm: '5', send: '2' }) };
    await h.post(activity(h.connector.serviceUrl, { from: u, value: bad, replyToId: form.id! }));
    await h.connector.waitFor((calls) => calls.some((c) => c.kind === 'update'), 'error card');
    const errCard = h.connector.calls.find((c) => c.kind === 'update')!.body.attachments[0].content.body as any[];
    const errors = errCard.filter((e) => e.color === 'Attention').map((e) => e.text).join(' ');
    expect(errors).toMatch(/pupils|attendances/i);
    expect(await h.server.context.attendance.history('camden-career-club', defaultWeek)).toHaveLength(0);
  });

  it('quick form and "attendance status" work as in Slack', async () => {
    const u = TEAMS_USERS.lead;
    const week = h.server.context.attendance.defaultWeek();
    const quick = activity(h.connector.serviceUrl, {
      from: u,
      text: 'attendance sessions 6 academic 4 enrichment 2 careers 0 digital 0 weekend 1 attendances 120 pupils 45 fsm 30 send 8 parents 3',
    });
    await h.post(quick);
    await h.post(quick); // redelivered: handled once
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'quick form reply');
    expect(h.connector.messages()).toHaveLength(1);
    expect(await h.server.context.attendance.history('acland-burghley', week)).toHaveLength(1);
    expect(cardText(h.connector.messages()[0]!.body)).toMatch(/Return received for Acland Burghley/);

    h.connector.reset();
    await h.post(activity(h.connector.serviceUrl, { from: u, text: 'attendance status' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'status');
    const status = h.connector.messages()[0]!.body;
    const rows = status.attachments[0].content.body.filter((e: any) => e.type === 'Container' && e.items?.[1]?.type === 'FactSet');
    expect(JSON.stringify(rows)).toContain(`{"title":"Week of","value":"${formatDate(week)}"}`);
    expect(JSON.stringify(rows)).not.toContain(week);
    expect(h.connector.messages()).toHaveLength(1);
  });

  it('refuses attendance to plain staff and the digest to centre leads', async () => {
    await h.post(activity(h.connector.serviceUrl, { from: TEAMS_USERS.staff, text: 'attendance' }));
    await h.post(activity(h.connector.serviceUrl, { from: TEAMS_USERS.lead, text: 'digest' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 2, 'two refusals');
    const texts = h.connector.messages().map((m) => m.body.text ?? cardText(m.body));
    expect(texts.some((t) => /Only registered Opportunity Centre leads/.test(t))).toBe(true);
    expect(texts.some((t) => /only network leads and admins can see it/.test(t))).toBe(true);
  });

  it('the network lead gets the digest', async () => {
    await h.post(activity(h.connector.serviceUrl, { from: TEAMS_USERS.network, text: 'digest' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'digest', 60_000);
    const msg = h.connector.messages()[0]!;
    expect(msg.body.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(msg.body).length).toBeLessThan(28_000);
  });
});

describe('Teams replies are sent once', () => {
  const messagePosts = () => h.connector.calls.filter((c) => (c.kind === 'reply' || c.kind === 'send') && c.body?.type === 'message');

  it('an answer whose connection is cut after it went out is not sent again (it may have been stored)', async () => {
    h.connector.failNext(1, { status: 0, reset: true, activityType: 'message' });
    const res = await h.post(activity(h.connector.serviceUrl, { from: TEAMS_USERS.staff, text: 'What is Camden Career Club?' }));
    expect(res.status).toBe(200);
    // The turn is over when the server answers: the cut answer, then the error notice, each once.
    const posts = messagePosts();
    expect(posts.map((c) => c.status)).toEqual([0, 200]);
    expect(JSON.stringify(posts[0]!.body)).toContain('Career Club');
    expect(JSON.stringify(posts[1]!.body)).toMatch(/went wrong|try again/i);
  });

  it('a reply Teams throttles (429, or 503 with Retry-After) is sent again after the wait, and arrives once', async () => {
    h.connector.failNext(1, { status: 429, headers: { 'retry-after': '1' }, activityType: 'message' });
    h.connector.failNext(1, { status: 503, headers: { 'retry-after': '0' }, activityType: 'message' });
    const res = await h.post(activity(h.connector.serviceUrl, { from: TEAMS_USERS.staff, text: 'What is Camden Career Club?' }));
    expect(res.status).toBe(200);
    expect(messagePosts().map((c) => c.status)).toEqual([429, 503, 200]);
    expect(JSON.stringify(messagePosts()[2]!.body)).toContain('Career Club');
  });
});
