import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { activity, figures, LEAD, STAFF, startTeamsHarness, TENANT, type TeamsHarness } from '../helpers/teams-harness.js';
import { createSubjectKeys } from '../../src/store/subject-keys.js';

let h: TeamsHarness;

beforeAll(async () => {
  h = await startTeamsHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.connector.reset());

const cardOf = (call: { body: any }) => call.body?.attachments?.[0]?.content;
const texts = (card: any): string[] => {
  const out: string[] = [];
  const walk = (x: any) => {
    if (!x || typeof x !== 'object') return;
    if (x.type === 'TextBlock' && typeof x.text === 'string') out.push(x.text);
    for (const v of Object.values(x)) walk(v);
  };
  walk(card?.body);
  return out;
};

describe('questions', () => {
  it('answers a personal-chat question with a typing indicator and a card citing its sources', async () => {
    const res = await h.post(activity(h.connector.serviceUrl, { from: STAFF, text: 'What does the career club offer?' }));
    expect(res.status).toBe(200);
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'the answer');
    const kinds = h.connector.calls.map((c) => c.body?.type);
    expect(kinds.indexOf('typing')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('typing')).toBeLessThan(kinds.indexOf('message'));

    const [answer] = h.connector.messages();
    expect(answer!.kind).toBe('reply');
    const card = cardOf(answer!);
    expect(answer!.body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.version).toBe('1.5');
    const all = texts(card).join('\n');
    // Document and model text is escaped, never rendered as Markdown.
    expect(all).toContain('for \\*all\\* Year 12');
    expect(all).toContain('offers \\[careers\\] sessions');
    expect(all).toContain('**1.** Building Back Stronger 2024-25 — Opportunity Centres');
    // The document's title, not its file name.
    expect(all).not.toContain('building-back-stronger-2024-25.pdf');
    const verbs = card.actions.map((a: any) => a.data.verb);
    expect(verbs).toEqual(['feedback_helpful', 'feedback_not_helpful']);
    expect(card.actions[0].data.value).toMatch(/\S/);
  });

  it('answers as plain staff when the directory cannot be read (database down)', async () => {
    h.directory.unavailable = true;
    try {
      const res = await h.post(activity(h.connector.serviceUrl, { from: LEAD, text: 'What does the career club offer?' }));
      expect(res.status).toBe(200);
      await h.connector.waitFor(() => h.connector.messages().length >= 1, 'the answer');
      expect(texts(cardOf(h.connector.messages()[0]!)).join('\n')).toContain('Euston Skills Centre');
    } finally {
      h.directory.unavailable = false;
    }
  });

  it('abstains plainly when the documents do not answer', async () => {
    await h.post(activity(h.connector.serviceUrl, { from: STAFF, text: 'What is the weather on Mars?' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'the abstention');
    const [msg] = h.connector.messages();
    expect(msg!.body.attachments ?? []).toHaveLength(0);
    expect(msg!.body.textFormat).toBe('plain');
    expect(msg!.body.text).toMatch(/do not cover that[\s\S]*They cover: /);
  });

  it('answers a redelivered activity once', async () => {
    const a = activity(h.connector.serviceUrl, { from: STAFF, text: 'career club?', id: `dup-${Date.now()}` });
    await h.post(a);
    await h.post(a);
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'the answer');
    expect(h.connector.messages()).toHaveLength(1);
  });

  it('when the reply could not be delivered, a redelivery of the same activity is answered', async () => {
    const from = { ...STAFF, aadObjectId: `${STAFF.aadObjectId}-x` };
    const conversationId = `a:personal-${from.aadObjectId}`;
    h.connector.failAlways(conversationId, { status: 500 });
    const a = activity(h.connector.serviceUrl, { from, text: 'career club?', id: `fail-${Date.now()}` });
    await h.post(a);
    h.connector.failAlways(conversationId, null);
    expect(h.connector.messages(conversationId)).toHaveLength(0);
    h.connector.reset();
    await h.post(a);
    await h.connector.waitFor(() => h.connector.messages(conversationId).some((m) => m.body.attachments), 'the answer on redelivery');
  });

  it('in a channel answers only when @mentioned, with the mention text stripped, in the thread', async () => {
    const conversation = { id: '19:abc@thread.tacv2', conversationType: 'channel' as const };
    const r1 = await h.post(activity(h.connector.serviceUrl, { from: STAFF, text: 'career club?', conversation }));
    expect(r1.status).toBe(200);
    expect(h.connector.messages()).toHaveLength(0);

    const mention = activity(h.connector.serviceUrl, { from: STAFF, text: 'career club?', conversation, mention: true });
    await h.post(mention);
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'the channel answer');
    const [reply] = h.connector.messages();
    expect(reply!.kind).toBe('reply');
    expect(reply!.activityId).toBe(mention.id);
    expect(texts(cardOf(reply!)).join(' ')).toContain('Camden Career Club');
    // The bot core got the question without the "<at>Camden</at>" mention.
    // The thread is kept only as a keyed hash (no chat ids are stored), and the answer is public in the channel.
    const keys = createSubjectKeys(h.store.store.settings);
    const { rows } = await h.store.store.db.query<{ question: string; thread_key: string; public_keys: string[] }>(
      'SELECT question, thread_key, public_keys FROM bot_answers ORDER BY created_at DESC LIMIT 1',
    );
    expect(rows[0]).toEqual({
      question: 'career club?',
      thread_key: await keys.conversation('teams', conversation.id, mention.id as string),
      public_keys: [await keys.conversation('teams', conversation.id)],
    });
  });

  it('records feedback from the card buttons through the bot core', async () => {
    await h.post(activity(h.connector.serviceUrl, { from: STAFF, text: 'career club?' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'the answer');
    const card = cardOf(h.connector.messages()[0]!);
    const helpful = card.actions.find((a: any) => a.data.verb === 'feedback_helpful');
    await h.post(activity(h.connector.serviceUrl, { from: STAFF, value: helpful.data, replyToId: h.connector.messages()[0]!.id! }));
    await h.connector.waitFor(() => h.connector.messages().length >= 2, 'the feedback acknowledgement');
    expect(h.connector.messages()[1]!.body.text).toMatch(/Thanks, recorded as helpful/);
    const { rows } = await h.store.store.db.query<{ helpful: boolean }>('SELECT helpful FROM bot_feedback WHERE answer_id = $1', [helpful.data.value]);
    expect(rows).toEqual([{ helpful: true }]);
  });
});

describe('conversation references', () => {
  it('stores the personal-chat reference from messages and installs, without the activity id', async () => {
    await h.post(activity(h.connector.serviceUrl, { from: LEAD, text: 'help' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'help');
    const ref = h.directory.references.get(`${LEAD.tenantId}:${LEAD.aadObjectId}`) as any;
    expect(ref.serviceUrl).toBe(h.connector.serviceUrl);
    expect(ref.conversation.id).toBe(`a:personal-${LEAD.aadObjectId}`);
    expect(ref.user.aadObjectId).toBe(LEAD.aadObjectId);
    expect(ref.activityId).toBeUndefined();

    h.directory.references.clear();
    await h.post(
      activity(h.connector.serviceUrl, { from: LEAD, type: 'conversationUpdate', membersAdded: [{ id: '28:camden-bot' }] }),
    );
    await h.connector.waitFor(() => h.connector.messages().length >= 2, 'welcome message');
    expect(h.directory.references.has(`${LEAD.tenantId}:${LEAD.aadObjectId}`)).toBe(true);
  });

  it('an uninstall from the personal chat marks the person unreachable; installing again makes them reachable', async () => {
    const key = `${LEAD.tenantId}:${LEAD.aadObjectId}`;
    const remove = { ...activity(h.connector.serviceUrl, { from: LEAD, type: 'installationUpdate' }), action: 'remove' };
    expect((await h.post(remove)).status).toBe(200);
    expect(h.directory.unreachable.has(key)).toBe(true);
    const add = { ...activity(h.connector.serviceUrl, { from: LEAD, type: 'installationUpdate' }), action: 'add' };
    expect((await h.post(add)).status).toBe(200);
    expect(h.directory.unreachable.has(key)).toBe(false);
    expect(h.directory.references.has(key)).toBe(true);
  });

  it('does not store channel conversations as a person’s chat', async () => {
    h.directory.references.clear();
    const conversation = { id: '19:chan@thread.tacv2', conversationType: 'channel' as const };
    await h.post(activity(h.connector.serviceUrl, { from: STAFF, text: 'career?', conversation, mention: true }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'answer');
    expect(h.directory.references.size).toBe(0);
  });
});

describe('attendance', () => {
  it('politely refuses plain staff', async () => {
    await h.post(activity(h.connector.serviceUrl, { from: STAFF, text: 'attendance' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'refusal');
    const msg = h.connector.messages()[0]!;
    expect(msg.body.text).toMatch(/Only registered Opportunity Centre leads/);
    expect(await h.attendance.history('acland-burghley', '2026-11-16')).toHaveLength(0);
  });

  it('sends a lead the form, limited to their centres, with the week just ended', async () => {
    await h.post(activity(h.connector.serviceUrl, { from: LEAD, text: 'attendance' }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'form');
    const card = cardOf(h.connector.messages()[0]!);
    const inputs = card.body.filter((e: any) => e.type.startsWith('Input.'));
    const centre = inputs.find((i: any) => i.id === 'centre');
    expect(centre.choices).toEqual([{ title: 'Acland Burghley Opportunity Centre', value: 'acland-burghley' }]);
    expect(centre.value).toBe('acland-burghley'); // the only centre is chosen already
    expect(inputs.find((i: any) => i.id === 'week')).toMatchObject({ type: 'Input.Date', value: '2026-11-16' });
    expect(inputs.filter((i: any) => i.type === 'Input.Number').map((i: any) => i.id)).toEqual([
      'sessions', 'academic', 'enrichment', 'careers', 'digital', 'weekend', 'attendances', 'pupils', 'fsm', 'send', 'parents',
    ]);
    expect(card.actions[0].data.verb).toBe('attendance_submit');
  });

  it('stores a valid submit once, replacing the card with a confirmation, even when delivered twice', async () => {
    const cardId = `card-${Date.now()}`;
    const value = { verb: 'attendance_submit', centre: 'acland-burghley', week: '2026-11-18', note: 'Half term *next* week', ...figures() };
    const submit = activity(h.connector.serviceUrl, { from: LEAD, value, replyToId: cardId });
    expect((await h.post(submit)).status).toBe(200);
    // Teams redelivers the same activity, and a double click sends a second one with the same values.
    await h.post(submit);
    await h.post(activity(h.connector.serviceUrl, { from: LEAD, value, replyToId: cardId }));
    await h.connector.waitFor((calls) => calls.filter((c) => c.kind === 'update').length >= 3, 'three card updates');
    expect(await h.attendance.history('acland-burghley', '2026-11-18')).toHaveLength(1);
    const update = h.connector.calls.find((c) => c.kind === 'update')!;
    expect(update.activityId).toBe(cardId);
    expect(JSON.stringify(update.body)).not.toContain('Input.Number');
    expect(update.body.attachments?.[0]?.content ? texts(update.body.attachments[0].content).join(' ') : update.body.text).toMatch(/Acland Burghley/);
  });

  it('puts validation errors back on the card next to the field, keeping what was typed, and saves nothing', async () => {
    const cardId = `card-bad-${Date.now()}`;
    const value = { verb: 'attendance_submit', centre: 'acland-burghley', week: '2026-11-09', ...figures({ pupils: 'lots', send: '4.5' }) };
    await h.post(activity(h.connector.serviceUrl, { from: LEAD, value, replyToId: cardId }));
    await h.connector.waitFor((calls) => calls.some((c) => c.kind === 'update'), 'card update');
    const update = h.connector.calls.find((c) => c.kind === 'update')!;
    const card = update.body.attachments[0].content;
    const body = card.body as any[];
    // After each box: its hint, then its problem in the form's own words.
    const errorAfter = (id: string) => body.slice(body.findIndex((e) => e.id === id) + 1).find((e) => e.color === 'Attention' || e.id);
    expect(errorAfter('pupils')).toMatchObject({ type: 'TextBlock', color: 'Attention' });
    expect(errorAfter('pupils').text).toMatch(/Unique pupils must be a whole number, got "lots"/);
    expect(errorAfter('send').text).toBe('Pupils with SEND must be a whole number, got 4.5.');
    expect(body.find((e) => e.id === 'attendances').value).toBe(120);
    expect(body.find((e) => e.id === 'week').value).toBe('2026-11-09');
    expect(await h.attendance.history('acland-burghley', '2026-11-09')).toHaveLength(0);
  });

  it('reports rule failures from the attendance service on the card', async () => {
    const value = { verb: 'attendance_submit', centre: 'acland-burghley', week: '2026-11-02', ...figures({ sessions: '9' }) };
    await h.post(activity(h.connector.serviceUrl, { from: LEAD, value, replyToId: `card-rule-${Date.now()}` }));
    await h.connector.waitFor((calls) => calls.some((c) => c.kind === 'update'), 'card update');
    const body = h.connector.calls.find((c) => c.kind === 'update')!.body.attachments[0].content.body as any[];
    const after = body.slice(body.findIndex((e) => e.id === 'sessions') + 1).find((e) => e.color === 'Attention');
    expect(after.text).toMatch(/The session types add up to 6 .*but Sessions held is 9/);
  });

  it('a reminder\'s "No sessions this week" records the week closed and answers with the receipt; "Show this week" reloads the card filled in', async () => {
    const value = { verb: 'mark_week_closed', value: JSON.stringify({ centreId: 'acland-burghley', week: '2026-11-02' }) };
    await h.post(activity(h.connector.serviceUrl, { from: LEAD, value, replyToId: `reminder-${Date.now()}` }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'receipt');
    expect(JSON.stringify(h.connector.messages()[0]!.body)).toContain('Received: Acland Burghley Opportunity Centre, week of 2 Nov 2026, marked closed (no sessions).');
    expect((await h.attendance.get('acland-burghley', '2026-11-02'))?.closed).toBe(true);
    h.connector.reset();
    const cardId = `card-load-${Date.now()}`;
    await h.post(activity(h.connector.serviceUrl, { from: LEAD, value: { verb: 'attendance_load', centre: 'acland-burghley', week: '2026-11-04' }, replyToId: cardId }));
    await h.connector.waitFor((calls) => calls.some((c) => c.kind === 'update'), 'reloaded card');
    const card = cardOf(h.connector.calls.find((c) => c.kind === 'update')!);
    expect(texts(card).join(' ')).toContain('Amending version 1 of the return for Acland Burghley Opportunity Centre, week of 2 Nov 2026');
    expect(card.body.find((e: any) => e.id === 'sessions').value).toBe(0);
    expect(card.actions[0]).toMatchObject({ title: 'Amend return', data: { verb: 'attendance_submit', shown: { centreId: 'acland-burghley', week: '2026-11-02', version: 1 } } });
  });

  it('keeps attendance out of channels', async () => {
    const conversation = { id: '19:chan2@thread.tacv2', conversationType: 'channel' as const };
    await h.post(activity(h.connector.serviceUrl, { from: LEAD, text: 'attendance', conversation, mention: true }));
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'pointer to personal chat');
    expect(h.connector.messages()[0]!.body.text).toMatch(/personal chat/);
  });
});

describe('other organisations (MICROSOFT_APP_TENANT_ID set)', () => {
  let t: TeamsHarness;
  beforeAll(async () => {
    t = await startTeamsHarness({ config: { MICROSOFT_APP_TENANT_ID: TENANT } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses users of another tenant politely and stores nothing about them; its own tenant is served', async () => {
    const stranger = { aadObjectId: '6f1c0000-0000-4000-8000-0000stranger', tenantId: '11111111-0000-4000-8000-000000000099' };
    const res = await t.post(activity(t.connector.serviceUrl, { from: stranger, text: 'What does the career club offer?' }));
    expect(res.status).toBe(200);
    await t.connector.waitFor(() => t.connector.messages().length >= 1, 'the refusal');
    expect(t.connector.messages()[0]!.body.text).toMatch(/only work for staff in this school network's Microsoft 365 organisation/);
    // An install from another organisation is not remembered either.
    await t.post(activity(t.connector.serviceUrl, { from: stranger, type: 'conversationUpdate', membersAdded: [{ id: '28:camden-bot' }] }));
    expect(t.directory.references.size).toBe(0);
    const answers = await t.store.store.db.query('SELECT count(*)::int AS n FROM bot_answers');
    expect(answers.rows[0]).toEqual({ n: 0 });

    await t.post(activity(t.connector.serviceUrl, { from: STAFF, text: 'What does the career club offer?' }));
    await t.connector.waitFor(() => t.connector.messages().some((m) => m.body.attachments), 'the answer for the own tenant');
    expect(t.directory.references.has(`${TENANT}:${STAFF.aadObjectId}`)).toBe(true);
  });
});

describe('local development cannot be driven by a web page (TEAMS_LOCAL_DEV)', () => {
  /** POST with full control of the headers (fetch would set Host and could not send a foreign one). */
  function raw(body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    const url = new URL(`${h.url}/api/messages`);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const asking = () => JSON.stringify(activity(h.connector.serviceUrl, { from: STAFF, text: 'What does the career club offer?' }));
  const local = () => `127.0.0.1:${new URL(h.url).port}`;
  const nothingSent = async () => {
    await new Promise((r) => setTimeout(r, 200));
    expect(h.connector.calls).toHaveLength(0);
  };

  it('a "simple" cross-site POST (text/plain; charset=json, no CORS preflight) gets 415 and nothing happens', async () => {
    const res = await raw(asking(), { host: local(), 'content-type': 'text/plain; charset=json', origin: 'https://attacker.example' });
    expect([403, 415]).toContain(res.status);
    expect((await raw(asking(), { host: local(), 'content-type': 'text/plain; charset=json' })).status).toBe(415);
    await nothingSent();
  });

  it('a foreign Origin is refused (403)', async () => {
    const res = await raw(asking(), { host: local(), 'content-type': 'application/json', origin: 'https://attacker.example' });
    expect(res.status).toBe(403);
    expect((await raw(asking(), { host: local(), 'content-type': 'application/json', origin: 'null' })).status).toBe(403);
    await nothingSent();
  });

  it('a Host other than localhost / 127.0.0.1 (DNS rebinding) is refused (403)', async () => {
    const res = await raw(asking(), { host: `attacker.example:${new URL(h.url).port}`, 'content-type': 'application/json' });
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/localhost or 127\.0\.0\.1/);
    await nothingSent();
    // The Playground's own requests (Host localhost) are served.
    const ok = await raw(asking(), { host: `localhost:${new URL(h.url).port}`, 'content-type': 'application/json; charset=utf-8' });
    expect(ok.status).toBe(200);
    await h.connector.waitFor(() => h.connector.messages().length >= 1, 'the answer');
  });

  it('a serviceUrl off this machine is refused: replies never go to a server the request chose (403)', async () => {
    const a = activity('https://attacker.example/collect/', { from: STAFF, text: 'What does the career club offer?' });
    const res = await raw(JSON.stringify(a), { host: local(), 'content-type': 'application/json' });
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/connector on this machine/);
    expect(h.directory.references.has(`${STAFF.tenantId}:${STAFF.aadObjectId}`) && JSON.stringify(h.directory.references.get(`${STAFF.tenantId}:${STAFF.aadObjectId}`))).not.toMatch(/attacker/);
  });
});
