import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../app/compose.js';
import { jobsServicesFor } from '../../app/compose.js';
import { runHousekeeping } from '../../jobs/housekeeping.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import { importDirectory } from '../../src/directory/import.js';
import { createKnowledgeBase } from '../../src/knowledge/index.js';
import { createBot, decodeOpenFormValue, encodeOpenFormValue, type Inbound, type Outcome } from '../../src/bot/index.js';
import type { Actor } from '../../src/directory/types.js';
import { createBotAnswersRepo, feedbackCounts } from '../../src/store/bot-answers-repo.js';
import { createDeliveriesRepo } from '../../src/store/bot-deliveries-repo.js';
import { createSubjectKeys } from '../../src/store/subject-keys.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/store.js';
import { DIRECTORY_YAML, recordingAnswerer, TEAM, USERS } from '../helpers/slack-harness.js';

const slack = (user: string) => ({ platform: 'slack' as const, user, team: TEAM });
const text = (r: { text: string; blocks: any[] }) => [r.text, ...r.blocks.map((b) => JSON.stringify(b))].join('\n');

describe('bot core (PGlite store, real knowledge base)', () => {
  let ts: TestStore;
  let ctx: AppContext;
  let answerer: ReturnType<typeof recordingAnswerer>;
  let actors: Record<keyof typeof USERS, Actor>;

  beforeAll(async () => {
    ts = await openTestStore('pglite');
    await importDirectory(ts.store, parseDirectoryFile(DIRECTORY_YAML));
    const config = loadConfig({ LOG_LEVEL: 'silent', KNOWLEDGE_DIR: resolve('knowledge') });
    const logger = createLogger('silent');
    answerer = recordingAnswerer(await createKnowledgeBase(config, logger));
    ctx = await createAppContext(config, logger, { store: ts.store, answerer });
    actors = Object.fromEntries(await Promise.all(Object.entries(USERS).map(async ([k, u]) => [k, await ctx.bot.actor(slack(u))]))) as never;
  });

  afterAll(async () => {
    await ctx?.close();
    await ts?.close();
  });

  it('resolves known people and treats others as plain staff', () => {
    expect(actors.lead.person?.name).toBe('Sam Okafor');
    expect(actors.staff.person).toBeNull();
  });

  /** The one inbound entry, as an adapter calls it. */
  let seq = 0;
  const say = (who: keyof typeof USERS, text: string, extra: Partial<Inbound> = {}) =>
    ctx.bot.handle({ identity: slack(USERS[who]), surface: 'dm', text, deliveryKey: `k${++seq}`, ...extra });
  const replyOf = (o: Outcome) => (o.kind === 'open-form' ? o.fallback : o.reply);

  it('ask stores the answer and logs the question with a hashed user id, never the id', async () => {
    const r = await say('staff', 'What is the best pizza place in Camden Town?');
    expect(r).toMatchObject({ kind: 'reply', intent: 'ask' });
    expect(replyOf(r).text).toMatch(/do not cover that[\s\S]*They cover: /);
    const stored = await createBotAnswersRepo(ts.store.db, createSubjectKeys(ts.store.settings)).get((r as { answerId: string }).answerId);
    expect(stored).toMatchObject({ question: 'What is the best pizza place in Camden Town?', answered: false, platform: 'slack' });
    const hash = await ctx.questionLog.hashUser('slack', USERS.staff);
    expect(hash).not.toContain(USERS.staff);
    const rows = await ts.store.questionLog.byUserHashes([hash]);
    expect(rows.map((q) => q.question)).toContain('What is the best pizza place in Camden Town?');
  });

  it('greetings and thanks get a short friendly reply, are not answered from the documents and not logged', async () => {
    const before = answerer.calls.length;
    const hello = await say('lead', 'Good morning!');
    expect(hello).toMatchObject({ kind: 'reply', intent: 'small-talk' });
    expect(replyOf(hello).text).toMatch(/^Hello Sam!/);
    expect(replyOf(hello).text).toContain('type /ask help');
    expect(replyOf(await say('staff', 'thanks 👍'))).toMatchObject({ text: expect.stringMatching(/welcome/) });
    expect(replyOf(await ctx.bot.handle({ identity: slack(USERS.staff), surface: 'command', command: 'ask', text: 'hi there', deliveryKey: 'st1' })).text).toMatch(/^Hello!/);
    expect(answerer.calls.length).toBe(before);
    const hash = await ctx.questionLog.hashUser('slack', USERS.lead);
    expect((await ts.store.questionLog.byUserHashes([hash])).map((q) => q.question)).not.toContain('Good morning!');
  });

  it('a follow-up in a thread gets the thread\'s first question as context', async () => {
    const thread = { conversationId: 'C1', threadId: '1700000000.000100' };
    await say('lead', 'What is AI Connect?', { thread });
    await say('network', 'How many students took part?', { thread });
    await say('lead', 'And where is it?', { thread });
    const last = answerer.calls.slice(-2);
    expect(last.map((c) => c.options?.context)).toEqual(['What is AI Connect?', 'What is AI Connect?']);
  });

  it('refuses over-long and empty questions without calling the answerer', async () => {
    const before = answerer.calls.length;
    expect(replyOf(await say('staff', 'x'.repeat(5000))).text).toMatch(/too long/);
    expect(await say('staff', 'ask    ')).toMatchObject({ answerId: null });
    expect(answerer.calls.length).toBe(before);
  });

  it('never throws: a failing answerer becomes a clear message and an error metric', async () => {
    const failing = createBot({
      answerer: { answer: async () => Promise.reject(new Error('index exploded')) },
      directory: ctx.directory,
      attendance: ctx.attendance,
      answers: createBotAnswersRepo(ts.store.db, createSubjectKeys(ts.store.settings)),
      observe: ctx.metrics.observer,
    });
    const r = replyOf(await failing.handle({ identity: slack(USERS.staff), surface: 'dm', text: 'What is AI Connect?', deliveryKey: 'x1' }));
    expect(r.text).toMatch(/something went wrong on our side/);
    expect(r.text).not.toMatch(/exploded/);
    const metrics = await ctx.metrics.registry.getSingleMetricAsString('camden_errors_total');
    expect(metrics).toMatch(/code="internal",where="ask"} 1/);
  });

  it('feedback on an unknown answer says so', async () => {
    expect((await ctx.bot.feedback(actors.staff, '00000000-0000-0000-0000-000000000000', true)).text).toMatch(/no longer available/);
    expect((await ctx.bot.feedback(actors.staff, 'not-an-id', true)).text).toMatch(/no longer available/);
  });

  it('attendance: form for leads, refusal for staff, quick form create/duplicate/amend', async () => {
    const form = await say('lead', 'attendance');
    expect(form).toMatchObject({ kind: 'open-form', form: { centres: [{ id: 'acland-burghley' }], defaultWeek: ctx.attendance.defaultWeek() } });
    // A message cannot open a modal: the outcome carries a button that does.
    expect(form.kind === 'open-form' && form.fallback.blocks.some((b) => b.kind === 'actions' && b.actions[0]!.id === 'open_attendance_form')).toBe(true);
    expect(replyOf(await say('staff', 'attendance')).text).toMatch(/Only registered Opportunity Centre leads/);
    const quick = 'attendance sessions 4 academic 4 attendances 40 pupils 20 fsm 10 send 2 parents 1';
    expect(text(replyOf(await say('lead', quick, { deliveryKey: 'q1' })))).toMatch(/Return received/);
    expect(text(replyOf(await say('lead', quick, { deliveryKey: 'q1' })))).toMatch(/Already received/);
    // Without the command word, a line of keyword-number pairs is a quick form too.
    expect(text(replyOf(await say('lead', quick.replace('attendance ', ''), { deliveryKey: 'q2' })))).toMatch(/No change/);
    const amended = text(replyOf(await say('lead', quick.replace('attendances 40', 'attendances 44'), { deliveryKey: 'q3' })));
    expect(amended).toMatch(/amended.*version 2/);
    expect(amended).toMatch(/Total attendances.*40.*44/);
  });

  it('attendance and the digest are never answered where others can see them', async () => {
    for (const words of ['attendance status', 'attendance', 'digest', 'attendance sessions 1 academic 1 attendances 1 pupils 1']) {
      const out = await say('lead', words, { surface: 'mention' });
      expect(replyOf(out).text).toMatch(/handled privately/);
      expect(replyOf(out).text).toContain('/attendance');
    }
    const teams = await ctx.bot.handle({ identity: { platform: 'teams', aadObjectId: 'x', tenantId: 'y' }, surface: 'mention', text: 'digest', deliveryKey: 'm1' });
    expect(replyOf(teams).text).toMatch(/personal chat with me and type "attendance"/);
  });

  it('a reminder button opens the form on its centre and week; a bad or foreign preset falls back', async () => {
    const value = encodeOpenFormValue({ centreId: 'london-ai-campus', week: '2026-11-09' });
    const open = (who: keyof typeof USERS, v: string) => ctx.bot.handle({ identity: slack(USERS[who]), surface: 'card', openForm: decodeOpenFormValue(v), deliveryKey: `p${++seq}` });
    const preset = await open('multiLead', value);
    expect(preset).toMatchObject({ kind: 'open-form', form: { initialCentre: 'london-ai-campus', defaultWeek: '2026-11-09' } });
    const plain = await open('multiLead', 'home');
    expect(plain.kind === 'open-form' && plain.form.initialCentre).toBeFalsy();
    expect(plain.kind === 'open-form' && plain.form.defaultWeek).toBe(ctx.attendance.defaultWeek());
    // A lead is never preselected onto a centre they do not lead.
    const foreign = await open('lead', value);
    expect(foreign).toMatchObject({ kind: 'open-form', form: { initialCentre: 'acland-burghley' } });
    expect(decodeOpenFormValue('{"centreId":"x; DROP TABLE","week":"2026-13-45"}')).toEqual({});
    expect(decodeOpenFormValue('{not json')).toEqual({});
    // Not a calendar date (Date.parse would roll it into March); any day of a week means that week's Monday.
    expect(decodeOpenFormValue('{"week":"2026-02-30"}')).toEqual({});
    expect(decodeOpenFormValue('{"week":"2026-11-12"}')).toEqual({ week: '2026-11-09' });
  });

  it('form submit returns field problems the adapter can place next to fields, with the form to show again', async () => {
    const out = await ctx.bot.handle({
      identity: slack(USERS.lead),
      surface: 'card',
      form: { centreId: 'acland-burghley', week: ctx.attendance.defaultWeek(), figures: { sessions: '1', academic: '1', enrichment: '0', careers: '0', digital: '0', weekend: '0', attendances: '5', pupils: '9', fsm: '0', send: '0', parents: '0' } },
      deliveryKey: 'f1',
    });
    expect(out.kind).toBe('form-problems');
    if (out.kind === 'form-problems') {
      expect(out.problems.map((p) => p.field)).toContain('pupils');
      expect(out.form?.centres.map((c) => c.id)).toEqual(['acland-burghley']);
    }
  });

  it('help and home differ by role', async () => {
    expect(ctx.bot.help(actors.staff).text).not.toMatch(/attendance/);
    expect(ctx.bot.help(actors.admin).text).toMatch(/\/attendance admin register/);
    // The same help for Teams, in the words Teams users type: no slash commands.
    const teamsAdmin = { ...actors.admin, identity: { platform: 'teams' as const, aadObjectId: 'a', tenantId: 't' } };
    expect(ctx.bot.help(teamsAdmin).text).toMatch(/^attendance status: /m);
    expect(ctx.bot.help(teamsAdmin).text).toMatch(/^admin register /m);
    expect(ctx.bot.help(teamsAdmin).text).not.toMatch(/\/(ask|attendance|digest)/);
    const home = await ctx.bot.home(actors.network);
    expect(text(home)).toMatch(/\/digest/);
    expect(text(home)).toMatch(/heading/);
  });
});

describe.each(ENGINES)('bot repositories on %s', (engine) => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await openTestStore(engine);
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('concurrent deliveries of one key: exactly one claim wins', async () => {
    const repo = createDeliveriesRepo(ts.store.db);
    const results = await Promise.all(Array.from({ length: 25 }, () => repo.claim('slack', 'event:Ev123')));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await repo.claim('teams', 'event:Ev123')).toBe(true);
    await repo.release('slack', 'event:Ev123');
    expect(await repo.claim('slack', 'event:Ev123')).toBe(true);
  });

  it('votes: one per voter per answer under concurrency, last one counts', async () => {
    const repo = createBotAnswersRepo(ts.store.db, createSubjectKeys(ts.store.settings));
    const a = await repo.save({ platform: 'slack', question: 'q', answer: 'a', answered: true, citations: [{ source: 's.md', title: 't', section: 'x', excerpt: 'e' }], asker: slack('U0') });
    await Promise.all(Array.from({ length: 20 }, () => repo.vote(a.id, slack('U1'), true)));
    expect(await feedbackCounts(ts.store.db, a.id)).toEqual({ helpful: 1, notHelpful: 0 });
    expect(await repo.vote(a.id, slack('U1'), false)).toBe('changed');
    expect(await repo.vote(a.id, slack('U1'), false)).toBe('same');
    expect(await feedbackCounts(ts.store.db, a.id)).toEqual({ helpful: 0, notHelpful: 1 });
    expect((await repo.get(a.id))?.citations[0]?.source).toBe('s.md');
  });

  it('votes and stored answers cannot be linked to a person without the installation key', async () => {
    const keys = createSubjectKeys(ts.store.settings);
    const repo = createBotAnswersRepo(ts.store.db, keys);
    // A DM: the channel id identifies the asker, the message ts their message.
    const dm = { conversationId: 'D0SECRET01', threadId: '1700000001.000200' };
    const a = await repo.save({ platform: 'slack', question: 'dm question', answer: 'a', answered: true, citations: [], asker: slack('U0SECRET1'), thread: dm });
    await repo.vote(a.id, slack('U0VOTER01'), true);
    await repo.vote(a.id, { platform: 'teams', aadObjectId: 'aad-voter-1', tenantId: 'tenant-1' }, false);
    const rows = JSON.stringify([
      ...(await ts.store.db.query('SELECT * FROM bot_answers WHERE id = $1', [a.id])).rows,
      ...(await ts.store.db.query('SELECT * FROM bot_feedback WHERE answer_id = $1', [a.id])).rows,
    ]);
    for (const id of ['U0SECRET1', 'D0SECRET01', '1700000001.000200', 'U0VOTER01', 'aad-voter-1', 'tenant-1', TEAM]) expect(rows).not.toContain(id);
    // No plain hash anyone could recompute from an id; the keyed one (which export and erasure use) is there.
    const sha = (x: string) => createHash('sha256').update(x).digest('hex');
    for (const plain of [`feedback:slack:${TEAM}:U0VOTER01`, 'slack:U0VOTER01', 'U0VOTER01', `feedback:teams:tenant-1:aad-voter-1`]) {
      expect(rows).not.toContain(sha(plain));
    }
    expect(rows).toContain(await keys.user('slack', 'U0VOTER01'));
    expect(rows).toContain(await keys.user('slack', 'U0SECRET1'));
    expect((await repo.threadRoot('slack', dm.conversationId, dm.threadId))?.id).toBe(a.id);
  });

  it('threadRoot finds the first question in a thread only', async () => {
    const repo = createBotAnswersRepo(ts.store.db, createSubjectKeys(ts.store.settings));
    await repo.save({ platform: 'slack', question: 'first', answer: '', answered: false, citations: [], asker: slack('U0'), thread: { conversationId: 'C9', threadId: 't1' } });
    await repo.save({ platform: 'slack', question: 'second', answer: '', answered: false, citations: [], asker: slack('U0'), thread: { conversationId: 'C9', threadId: 't1' } });
    expect((await repo.threadRoot('slack', 'C9', 't1'))?.question).toBe('first');
    expect(await repo.threadRoot('teams', 'C9', 't1')).toBeNull();
    expect(await repo.threadRoot('slack', 'C9', 't2')).toBeNull();
  });
});

describe('retention of the bot\'s own data', () => {
  it('purgeBotData removes answers past QUESTION_LOG_DAYS, delivery claims past 7 days and strangers\' Teams references', async () => {
    const ts = await openTestStore('postgres');
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent', QUESTION_LOG_DAYS: '30' });
      const ctx = await createAppContext(config, createLogger('silent'), { store: ts.store, answerer: { answer: async () => ({ answered: false, answer: '', citations: [] }) } });
      await importDirectory(ts.store, parseDirectoryFile(DIRECTORY_YAML.replace('    roles: []\n', '    roles: []\n    teams: { aadObjectId: aad-jo, tenantId: tenant-1 }\n')));
      const repo = createBotAnswersRepo(ts.store.db, createSubjectKeys(ts.store.settings));
      const a = await repo.save({ platform: 'slack', question: 'old', answer: 'x', answered: true, citations: [], asker: slack('U0') });
      await ctx.deliveries.once('slack', 'event:old', async () => {});
      // Someone in no directory (perhaps another organisation) messaged the bot once; Jo is in the directory.
      await ctx.directory.saveTeamsConversationReference({ aadObjectId: 'aad-stranger', tenantId: 'tenant-9' }, { conversation: { id: 'a:1' } });
      await ctx.directory.saveTeamsConversationReference({ aadObjectId: 'aad-jo', tenantId: 'tenant-1' }, { conversation: { id: 'a:2' } });
      expect(await ctx.purgeBotData(new Date())).toEqual({ answers: 0, deliveries: 0, teamsReferences: 0 });
      const later = new Date(Date.now() + 31 * 86_400_000);
      expect(await ctx.purgeBotData(later)).toEqual({ answers: 1, deliveries: 1, teamsReferences: 1 });
      expect(await ts.store.directory.getTeamsIdentity('tenant-9', 'aad-stranger')).toBeNull();
      expect((await ts.store.directory.getTeamsIdentity('tenant-1', 'aad-jo'))?.conversationReference).toEqual({ conversation: { id: 'a:2' } });
      expect(await repo.get(a.id)).toBeNull();
      expect(await ctx.deliveries.once('slack', 'event:old', async () => {})).toBe('ran');
      await ctx.close();
    } finally {
      await ts.close();
    }
  });

  it('nightly housekeeping purges the bot\'s answers and delivery keys and reports how many', async () => {
    const ts = await openTestStore('postgres');
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent', QUESTION_LOG_DAYS: '30' });
      const logger = createLogger('silent');
      const ctx = await createAppContext(config, logger, { store: ts.store, answerer: { answer: async () => ({ answered: false, answer: '', citations: [] }) } });
      await createBotAnswersRepo(ts.store.db, createSubjectKeys(ts.store.settings)).save({ platform: 'slack', question: 'old', answer: 'x', answered: true, citations: [], asker: slack('U0') });
      await ctx.deliveries.once('slack', 'event:old', async () => {});
      const services = jobsServicesFor(ctx, [], { reloadKnowledge: false });
      const result = await runHousekeeping(new Date(Date.now() + 31 * 86_400_000), { services, timeZone: 'Europe/London', logger });
      expect(result.botDataPurged).toEqual({ answers: 1, deliveries: 1, teamsReferences: 0 });
      await ctx.close();
    } finally {
      await ts.close();
    }
  });
});
