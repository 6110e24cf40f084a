import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_FIELDS } from '../../src/attendance/types.js';
import { eventBody, newTriggerId, newTs, slackSignature } from '../helpers/slack-requests.js';
import { activity } from '../helpers/teams-harness.js';
import { attendanceViewSubmission, ephemeralButtonClick } from '../helpers/slack-harness.js';
import { knowledgeWithInjection, SIGNING_SECRET, SLACK_USERS, slackTexts, startHostileServer, TEAM, TEAMS_USERS, teamsTexts, type Counts, type HostileServer } from './harness.js';
import { VALID_FIGURES, type ActionRow, type ActivityRow, type AskRow, type FormRow, type HttpRow, type QuickRow, type Row } from './rows.js';
import { DECLINED, urlsIn } from './injection.js';
import { expectNothingParsedFromPeople, slackTextParts } from '../helpers/slack-inert.js';
import type { TestEngine } from '../helpers/store.js';
import type { StoredReturn } from '../../src/attendance/types.js';

export interface HostileTableOptions {
  title: string;
  engine: TestEngine;
  rows: Row[];
  /** Also run the replay cases (once per engine is enough). */
  replays?: boolean;
}

let s: HostileServer;
let kb: Awaited<ReturnType<typeof knowledgeWithInjection>>;
let week: string;
let teamsForm: string;

/**
 * The bad-input table: every row goes to one real server (Slack over HTTP with real signature checks, Teams in
 * local-dev mode, the real knowledge base with a prompt-injection document added, the given store). After each row
 * the server must still answer /healthz, and the store must hold exactly what the row allows. Call once per test file.
 */
export function hostileTable(options: HostileTableOptions): void {
  const { rows } = options;

  beforeAll(async () => {
    kb = await knowledgeWithInjection();
    s = await startHostileServer({ KNOWLEDGE_DIR: kb.dir }, { engine: options.engine });
    week = s.server.context.attendance.defaultWeek();
    // The Teams lead's attendance card, whose submits the form rows answer.
    await s.teamsPost(activity(s.connector.serviceUrl, { from: TEAMS_USERS.lead, text: 'attendance' }));
    await s.connector.waitFor(() => s.connector.messages().length >= 1, 'the attendance card');
    teamsForm = s.connector.messages()[0]!.id!;
  });

  afterAll(async () => {
    await s?.close();
    await kb?.cleanup();
  });

  describe(options.title, () => {
    it('names every row once', () => {
      expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    });

    it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row: Row) => {
      const before = await s.counts();
      s.slack.reset();
      s.connector.reset();
      let stored = 0;
      switch (row.kind) {
        case 'http':
          await httpRow(row);
          break;
        case 'ask':
          await askRow(row, before);
          break;
        case 'quick':
          stored = await quickRow(row);
          break;
        case 'form':
          stored = await formRow(row);
          break;
        case 'action':
          await actionRow(row);
          break;
        case 'activity':
          await activityRow(row);
          break;
      }
      // Nothing crashed, and nothing was stored that the row does not allow.
      expect(await s.healthz()).toBe(200);
      const after = await s.counts();
      expect(after.versions - before.versions).toBe(stored);
      expect(after.returns - before.returns).toBeLessThanOrEqual(stored);
      expect(after.feedback).toBe(before.feedback);
      if (row.kind !== 'ask') {
        expect(after.answers).toBe(before.answers);
        expect(after.questions).toBe(before.questions);
      }
    });
  });


  if (options.replays) {
    describe('replays', () => {
      it('a captured /attendance quick form replayed with the same trigger stores one version', async () => {
        const before = await s.counts();
        const triggerId = newTriggerId();
        const text = 'sessions 7 academic 4 enrichment 3 attendances 121 pupils 45 fsm 30 send 8 parents 3';
        const a = await s.command('/attendance', text, SLACK_USERS.lead, { triggerId });
        const b = await s.command('/attendance', text, SLACK_USERS.lead, { triggerId });
        expect([a.status, b.status]).toEqual([200, 200]);
        await s.slack.waitFor(() => s.responses(a.responseId).length + s.responses(b.responseId).length > 0);
        const after = await s.counts();
        expect(after.versions - before.versions).toBe(1);
      });

      it('a captured event replayed (same event id, fresh signature) is answered once', async () => {
        const body = eventBody({ team: TEAM, event: { type: 'message', channel_type: 'im', channel: 'D0REPLAY1', user: SLACK_USERS.staff, text: 'What is Camden Career Club?', ts: '1700000000.000100', team: TEAM } });
        s.slack.reset();
        expect((await s.slackPost(body, 'application/json')).status).toBe(200);
        expect((await s.slackPost(body, 'application/json')).status).toBe(200);
        await s.slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0REPLAY1'));
        await s.slack.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove'));
        expect(s.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0REPLAY1')).toHaveLength(1);
      });

      it('the same request replayed after the five-minute window is refused', async () => {
        const body = 'token=legacy&team_id=T0CAMDEN&user_id=U0LEAD001&command=%2Fattendance&text=status&trigger_id=old';
        const res = await s.slackPost(body, 'application/x-www-form-urlencoded', { timestamp: Math.floor(Date.now() / 1000) - 301 });
        expect(res.status).toBe(401);
      });
    });


  }
}

async function httpRow(row: HttpRow): Promise<void> {
  const headers: Record<string, string> = {};
  if (row.contentType) headers['content-type'] = row.contentType;
  if (row.sign) {
    const ts = row.sign.timestamp ?? Math.floor(Date.now() / 1000);
    headers['x-slack-request-timestamp'] = String(ts);
    const raw = Buffer.isBuffer(row.body) ? row.body.toString('utf8') : row.body;
    if (row.sign.signature !== null) headers['x-slack-signature'] = row.sign.signature ?? slackSignature(row.sign.secret ?? SIGNING_SECRET, Number(ts), raw);
  }
  const res = await s.raw(row.path, { method: row.method ?? 'POST', headers, body: row.method === 'GET' ? undefined : row.body });
  expect(row.status, `HTTP ${res.status}: ${res.text.slice(0, 200)}`).toContain(res.status);
  // Nothing reached the platforms on behalf of a refused request.
  expect(s.connector.messages()).toHaveLength(0);
  expect(s.slack.calls.filter((c) => c.method.startsWith('chat.') || c.method.startsWith('response_url'))).toHaveLength(0);
}

/** The text of the reply to a Slack command (one response_url message) or a Teams chat message. */
async function slackReply(responseId: string): Promise<{ text: string; message: any }> {
  await s.slack.waitFor(() => s.responses(responseId).length > 0, 30_000);
  const message = s.responses(responseId)[0];
  return { text: slackTexts(message), message };
}

async function teamsReply(conversation: string): Promise<{ text: string; message: any }> {
  await s.connector.waitFor(() => s.connector.messages(conversation).length > 0, 'a reply', 30_000);
  const message = s.connector.messages(conversation)[0]!.body;
  return { text: teamsTexts(message), message };
}

/**
 * Slack text that would notify, link, mention or format must never come from a person's or a document's text:
 * Slack parses only mrkdwn objects (renderer labels only) and the fallback (escaped, markers neutralised); all
 * else is plain_text, shown exactly as typed. `typed` strings must arrive literally, whole.
 */
function expectInertSlack(messages: any[], typed: string[] = []): void {
  expect(messages.length).toBeGreaterThan(0);
  expectNothingParsedFromPeople(messages);
  const literal = messages.flatMap((m) => slackTextParts(m).literal).join('\n');
  for (const t of typed) expect(literal).toContain(t);
}

/** Untrusted text a row sends that Slack must show as typed (notes are echoed in confirmations). */
function typedNote(row: { outcome: { stored: { note?: string | null } } | { rejected: string } | { kept: string } }): string[] {
  return 'stored' in row.outcome && row.outcome.stored.note ? [row.outcome.stored.note] : [];
}

/** Adaptive Card Markdown that would link or format: every marker from untrusted text is backslash-escaped. */
function expectInertTeams(text: string): void {
  expect(text).not.toMatch(/(^|[^\\])\[[^\]\n]*[^\\\n]\]\(/);
  expect(text).not.toMatch(/(^|[^\\])\*bold[^\\]?\*/);
  expect(text).not.toContain('{{DATE(');
  expect(text).not.toMatch(/<script|<img/i);
}

function teamsActivityFor(user: { aadObjectId: string; tenantId: string }, text: string) {
  return activity(s.connector.serviceUrl, { from: user, text });
}

async function askRow(row: AskRow, before: Counts): Promise<void> {
  let text: string;
  if (row.platform === 'slack') {
    const { status, responseId } = await s.command('/ask', row.question, SLACK_USERS.staff);
    expect(status).toBe(200);
    let message: any;
    ({ text, message } = await slackReply(responseId));
    expectInertSlack([message]);
  } else if (row.platform === 'slack-dm') {
    const channel = `D0H${(++dmSeq).toString().padStart(6, '0')}`;
    const { status } = await s.event({ type: 'message', channel_type: 'im', channel, user: SLACK_USERS.staff, text: row.question, ts: newTs(), team: TEAM });
    expect(status).toBe(200);
    await s.slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === channel), 30_000);
    const posts = s.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel).map((c) => c.args);
    text = posts.map((p) => slackTexts(p)).join('\n');
    expectInertSlack(posts);
  } else {
    const res = await s.teamsPost(teamsActivityFor(TEAMS_USERS.staff, row.question));
    expect(res.status).toBe(200);
    ({ text } = await teamsReply(`a:personal-${TEAMS_USERS.staff.aadObjectId}`));
    expectInertTeams(text);
  }
  const answered = /\[1\\?\]/.test(text);
  const abstained = DECLINED.test(text);
  if (row.outcome === 'answered') expect(answered, text).toBe(true);
  if (row.outcome === 'abstain') expect(abstained, text).toBe(true);
  if (row.outcome === 'refused') expect(answered, text).toBe(false);
  if (row.says) expect(text).toMatch(row.says);
  // No link the documents' legitimate text does not hold; in particular never the injected one.
  expect(text).not.toContain('evil.example');
  for (const url of urlsIn(text)) expect(text.split(url).length, `${url} appears only in the answer, not in a cited excerpt`).toBeGreaterThan(2);
  // Refused questions are not stored; answers and abstentions are, whatever characters they hold (feedback needs them).
  const after = await s.counts();
  expect(after.answers - before.answers).toBe(row.outcome === 'refused' ? 0 : 1);
}

async function activityRow(row: ActivityRow): Promise<void> {
  // "help" stores nothing; a conversation of its own keeps any late reply out of other rows.
  const base = activity(s.connector.serviceUrl, {
    from: TEAMS_USERS.staff,
    text: 'help',
    conversation: { id: 'a:personal-hostile-activities', conversationType: 'personal' },
  }) as Record<string, any>;
  const res = await s.teamsPost(row.mutate(base));
  expect(row.status, `HTTP ${res.status}: ${res.body.slice(0, 200)}`).toContain(res.status);
  // A 5xx body would carry an internal error message to whoever sent the request.
  expect(res.body).not.toMatch(/Cannot read|undefined|TypeError|stack/i);
}

let dmSeq = 0;
let actionSeq = 0;

async function actionRow(row: ActionRow): Promise<void> {
  if (row.platform === 'slack') {
    const responseId = `act${++actionSeq}`;
    const res = await s.interaction(
      ephemeralButtonClick({ user: SLACK_USERS.staff, actionId: row.actionId, value: row.value, channel: 'C0GENERAL1', responseUrl: `${s.slack.responseUrlBase}/${responseId}` }),
    );
    expect(res.status).toBe(200);
    if (row.says) {
      const { text } = await slackReply(responseId);
      expect(text).toMatch(row.says);
      expect(text).not.toMatch(/briefly unavailable|went wrong/i);
    }
    expect(s.slack.callsTo('chat.postMessage')).toHaveLength(0);
    return;
  }
  const base = activity(s.connector.serviceUrl, { from: TEAMS_USERS.staff, type: row.invoke ? 'invoke' : 'message', value: row.value as Record<string, unknown>, replyToId: 'no-such-message' });
  const res = await s.teamsPost(row.invoke ? { ...base, name: row.invoke } : base);
  expect([200, 400, 404, 501]).toContain(res.status);
  const conversation = `a:personal-${TEAMS_USERS.staff.aadObjectId}`;
  if (row.says) {
    const { text } = await teamsReply(conversation);
    expect(text).toMatch(row.says);
    expect(text).not.toMatch(/briefly unavailable|went wrong/i);
  }
}

async function quickRow(row: QuickRow): Promise<number> {
  let text: string;
  if (row.platform === 'slack') {
    const user = SLACK_USERS[row.user ?? 'lead'];
    const { status, responseId } = await s.command('/attendance', row.text, user);
    expect(status).toBe(200);
    let message: any;
    ({ text, message } = await slackReply(responseId));
    expectInertSlack([message], typedNote(row));
  } else {
    const res = await s.teamsPost(teamsActivityFor(TEAMS_USERS.lead, `attendance ${row.text}`));
    expect(res.status).toBe(200);
    ({ text } = await teamsReply(`a:personal-${TEAMS_USERS.lead.aadObjectId}`));
    expectInertTeams(text);
  }
  if (row.says) expect(text).toMatch(row.says);
  if ('rejected' in row.outcome) {
    expect(text).not.toMatch(/Return (?:received|amended)/);
    if (!row.says) expect(text.toLowerCase()).toContain(row.outcome.rejected);
    return 0;
  }
  expect(text).toMatch(/Return (?:received|amended)/);
  const centre = row.platform === 'slack' ? 'acland-burghley' : 'la-sainte-union';
  const latest = await s.server.context.attendance.get(centre, week);
  expect(latest?.note).toBe(row.outcome.stored.note);
  return 1;
}

function slackViewSubmission(values: { centre: unknown; week: unknown; figures: Record<string, unknown>; note: unknown }) {
  return attendanceViewSubmission(SLACK_USERS.lead, `V${newTriggerId().replace(/\W/g, '').slice(-10)}`, values);
}

async function formRow(row: FormRow): Promise<number> {
  const figures: Record<string, unknown> = { ...VALID_FIGURES, ...row.figures };
  const centre = row.platform === 'slack' ? 'acland-burghley' : 'la-sainte-union';
  const previous = await s.server.context.attendance.get(centre, week);
  if ('kept' in row.outcome) expect(previous, 'a kept-figure row needs a return to amend').toBeTruthy();
  if (row.platform === 'slack') {
    const res = await s.interaction(
      slackViewSubmission({ centre: row.centre ?? 'acland-burghley', week: row.week ?? week, figures, note: row.note ?? null }),
    );
    expect(res.status).toBe(200);
    if ('rejected' in row.outcome) {
      expect(res.json?.response_action, res.text.slice(0, 300)).toBe('errors');
      expect(Object.keys(res.json.errors)).toContain(row.outcome.rejected);
      return 0;
    }
    expect(res.json?.response_action).toBe('update');
    const text = slackTexts(res.json);
    const stored = ('kept' in row.outcome) ? await keptFigure(row.outcome.kept, centre, previous!, text) : 1;
    // The modal closes, so a stored return leaves a receipt in the lead's DM; it is part of this row (and inert).
    if (stored) {
      await s.slack.waitFor(() => s.slack.callsTo('chat.postMessage').length > 0, 30_000);
      expectInertSlack(s.slack.callsTo('chat.postMessage').map((c) => c.args));
    }
    if ('kept' in row.outcome) return stored;
    expectInertSlack([res.json.view], typedNote(row));
    expect(text).toMatch(/Return (?:received|amended)/);
    expect((await s.server.context.attendance.get('acland-burghley', week))?.note).toBe(row.outcome.stored.note);
    return 1;
  }
  const value = { verb: 'attendance_submit', centre: row.centre ?? 'la-sainte-union', week: row.week ?? week, note: row.note ?? '', ...figures };
  const res = await s.teamsPost(activity(s.connector.serviceUrl, { from: TEAMS_USERS.lead, value, replyToId: teamsForm }));
  expect(res.status).toBe(200);
  await s.connector.waitFor((calls) => calls.some((c) => c.kind === 'update' || (c.kind !== 'other' && c.body?.type === 'message')), 'the card update', 30_000);
  const update = s.connector.calls.find((c) => c.kind === 'update' || c.body?.type === 'message')!;
  const text = teamsTexts(update.body);
  expectInertTeams(text);
  if ('kept' in row.outcome) return keptFigure(row.outcome.kept, centre, previous!, text);
  if ('rejected' in row.outcome) {
    expect(text).not.toMatch(/Return (?:received|amended)/);
    const errors = JSON.stringify(update.body).toLowerCase();
    expect(errors).toContain(row.outcome.rejected === 'sessions' ? 'sessions' : row.outcome.rejected);
    return 0;
  }
  expect(text).toMatch(/Return (?:received|amended)/);
  expect((await s.server.context.attendance.get('la-sainte-union', week))?.note).toBe(row.outcome.stored.note);
  return 1;
}

/**
 * An empty box on an amendment: the reply is a confirmation (no change, or an amendment of the other figures that
 * differ) that does not list the figure as changed, and the stored figure is the previous one. Returns the versions
 * stored (0 or 1) for the table's count check.
 */
async function keptFigure(field: (typeof FIGURE_FIELDS)[number], centre: string, previous: StoredReturn, text: string): Promise<number> {
  expect(text).toMatch(/No change|Return amended/);
  expect(text).not.toMatch(/must be|is missing|whole number/i);
  const latest = await s.server.context.attendance.get(centre, week);
  expect(latest!.figures[field]).toBe(previous.figures[field]);
  return latest!.version - previous.version;
}
