/**
 * Subject access and erasure end to end. One person uses the bot the way staff do — on Slack (signed requests through
 * real Bolt against the fake Slack Web API) and on Teams (real botbuilder against the fake Bot Connector): questions
 * by /ask, in a DM (with a follow-up in its thread) and by @mention, votes, a share, returns by quick form, modal and
 * card, and they get a reminder and the digest through BullMQ. Then the real CLI exports them (one JSON document with
 * every kind of record) and deletes them, and every table and every Redis key is searched for their ids, email, name,
 * DM channel and every hash recomputable from their ids: nothing may remain but the tombstone, while the returns they
 * submitted stay, attributed to "deleted person". On PGlite and on Postgres.
 */
import { waitFor } from '../helpers/wait.js';
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../app/compose.js';
import { startServer, type RunningServer } from '../../app/server.js';
import { loadConfig, type Config } from '../../src/config.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import { importDirectory } from '../../src/directory/import.js';
import { createKnowledgeBase } from '../../src/knowledge/index.js';
import { createLogger } from '../../src/logger.js';
import { currentWeekStart, addDays } from '../../src/shared/calendar.js';
import { firstReminderOfWeek } from '../../src/attendance/due-week.js';
import type { Db } from '../../src/store/db.js';
import { runMigrations } from '../../src/store/migrate.js';
import { createPgDb } from '../../src/store/pg-db.js';
import { createPgliteDb } from '../../src/store/pglite-db.js';
import { createStore, type Store } from '../../src/store/store.js';
import { FIGURE_FIELDS } from '../../src/attendance/types.js';
import { startFakeBotConnector, type FakeBotConnector } from '../helpers/fake-bot-connector.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../jobs/helpers.js';
import { buttonValue, ephemeralButtonClick } from '../helpers/slack-harness.js';
import { eventBody, interactionBody, newTriggerId, newTs, postToSlackEndpoint, slashCommandBody } from '../helpers/slack-requests.js';
import { activity, figures } from '../helpers/teams-harness.js';
import { ENGINES, createTestSchema, TEST_DATABASE_URL, type TestEngine } from '../helpers/store.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const SECRET = 'erasure-test-signing-secret-0123456789';
const TEAM = 'T0CAMDEN';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** The person who asks to be erased, and a colleague whose data must survive. */
const ROSA = {
  name: 'Rosa Quintavalle',
  email: 'rosa.quintavalle@example.org',
  slack: 'U0ROSA001',
  /** The fake Slack opens DMs as D + the user id without its U. */
  dm: 'D0ROSA001',
  aad: '7e2d9c41-5b6a-4c3d-9e8f-0a1b2c3d4e5f',
};
const COLM = { name: 'Colm Baker', email: 'colm.baker@example.org', slack: 'U0COLM001' };

const DIRECTORY = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
    from: 2026-01-05
  - id: la-sainte-union
    name: La Sainte Union Opportunity Centre
    from: 2026-01-05
  - id: london-ai-campus
    name: London AI Campus
    from: 2026-01-05
people:
  - name: ${ROSA.name}
    email: ${ROSA.email}
    roles: [oc_lead, network_lead]
    centres: [acland-burghley, la-sainte-union]
    slack: { user: ${ROSA.slack}, team: ${TEAM} }
    teams: { aadObjectId: ${ROSA.aad}, tenantId: ${TENANT} }
  - name: ${COLM.name}
    email: ${COLM.email}
    roles: [oc_lead]
    centres: [london-ai-campus]
    slack: { user: ${COLM.slack}, team: ${TEAM} }
digest:
  slackChannels: [C0DIGEST1]
  teamsChannels: []
`;

/** A store the test can close (so the CLI can open PGlite) and open again, plus the CLI's environment for it. */
interface EngineStore {
  open(): Promise<Store>;
  cliEnv: Record<string, string>;
  /** PGlite's folder (searched too), or null. */
  dataDir: string | null;
  dispose(): Promise<void>;
}

async function engineStore(engine: TestEngine): Promise<EngineStore> {
  if (engine === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'camden-erasure-'));
    return {
      async open() {
        const db: Db = await createPgliteDb({ dataDir: dir });
        await runMigrations(db);
        return createStore(db);
      },
      cliEnv: { DATA_DIR: dir, DATABASE_URL: '' },
      dataDir: dir,
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const { schema, drop } = await createTestSchema();
  return {
    async open() {
      const db = createPgDb({ connectionString: TEST_DATABASE_URL, schema, max: 10 });
      await runMigrations(db);
      return createStore(db);
    },
    cliEnv: { DATABASE_URL: `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema},public`)}` },
    dataDir: null,
    dispose: drop,
  };
}

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'app/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', QUESTION_LOG_SALT: '', ...env },
      timeout: 90_000,
      maxBuffer: 20_000_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Every row of every table, as text. */
async function dumpTables(store: Store): Promise<Map<string, string>> {
  const tables = await store.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const out = new Map<string, string>();
  for (const { table_name } of tables.rows) {
    const rows = await store.db.query(`SELECT * FROM ${table_name}`);
    out.set(table_name, JSON.stringify(rows.rows));
  }
  return out;
}

/** Every key under the prefix with its whole value, as text. */
async function dumpRedis(prefix: string): Promise<Map<string, string>> {
  const redis = new Redis(REDIS_URL);
  const out = new Map<string, string>();
  try {
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      for (const key of keys) {
        const type = await redis.type(key);
        let value: unknown;
        if (type === 'string') value = await redis.get(key);
        else if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'list') value = await redis.lrange(key, 0, -1);
        else if (type === 'set') value = await redis.smembers(key);
        else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
        else if (type === 'stream') value = await redis.xrange(key, '-', '+');
        else value = `(${type})`;
        out.set(key, JSON.stringify(value));
      }
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
  return out;
}

/** Where each needle occurs: "table:name" / "redis:key" (key names are searched too). */
function findNeedles(dumps: Map<string, string>, where: string, needles: Map<string, string>): string[] {
  const hits: string[] = [];
  for (const [name, text] of dumps) {
    const hay = `${name}\n${text}`;
    for (const [label, needle] of needles) if (hay.includes(needle)) hits.push(`${label} in ${where}:${name}`);
  }
  return hits;
}

/** Files under `dir` whose bytes contain a needle (the database's heap, index and write-ahead log files). */
async function filesContaining(dir: string, needles: Map<string, string>): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path);
    for (const [label, needle] of needles) if (bytes.includes(Buffer.from(needle))) hits.push(`${label} in ${path.slice(dir.length)}`);
  }
  return hits;
}

function hashForms(text: string, secrets: string[]): string[] {
  const forms: string[] = [];
  for (const algo of ['sha256', 'sha1', 'md5']) {
    for (const enc of ['hex', 'base64', 'base64url'] as const) forms.push(createHash(algo).update(text).digest(enc));
  }
  for (const secret of secrets) {
    for (const enc of ['hex', 'base64', 'base64url'] as const) forms.push(createHmac('sha256', secret).update(text).digest(enc));
  }
  // Truncated hex (delivery keys keep 40 characters, submission keys 32).
  forms.push(createHash('sha256').update(text).digest('hex').slice(0, 32));
  return forms;
}

describe.each(ENGINES)('erasure end to end on %s', (engine) => {
  let es: EngineStore;
  let store: Store;
  let fake: FakeSlack;
  let connector: FakeBotConnector;
  let server: RunningServer;
  let config: Config;
  let prefix: string;
  let tmp: string;
  let rosaId: number;
  let colmId: number;
  let lastWeek: string;
  let dmTs: string;
  let dmFollowUpTs: string;

  const slackPost = (body: string, type: 'application/json' | 'application/x-www-form-urlencoded') =>
    postToSlackEndpoint(`${server.url}/slack/events`, body, type, { secret: SECRET });
  let rid = 0;
  const command = async (cmd: string, text: string, user: string, channel = 'C0ERASE01') => {
    const responseId = `${engine}-r${++rid}`;
    const res = await slackPost(
      slashCommandBody({ command: cmd, text, user, team: TEAM, channel, responseUrl: `${fake.responseUrlBase}/${responseId}`, triggerId: newTriggerId() }),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    await fake.waitFor((calls) => calls.some((c) => c.method === `response_url:${responseId}`), 60_000);
    return fake.calls.filter((c) => c.method === `response_url:${responseId}`).map((c) => c.args);
  };
  const click = async (actionId: string, value: string, user: string, channel = 'C0ERASE01') => {
    const responseId = `${engine}-a${++rid}`;
    const res = await slackPost(
      interactionBody(ephemeralButtonClick({ user, actionId, value, channel, channelName: 'erasure', responseUrl: `${fake.responseUrlBase}/${responseId}` })),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    await fake.waitFor((calls) => calls.some((c) => c.method === `response_url:${responseId}`), 30_000);
  };
  const slackEvent = async (event: Record<string, unknown>) => {
    const res = await slackPost(eventBody({ team: TEAM, event }), 'application/json');
    expect(res.status).toBe(200);
  };
  const teams = async (body: Record<string, unknown>) => {
    const res = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    expect(res.status).toBe(200);
  };
  const fromRosa = (opts: Parameters<typeof activity>[1]) => {
    const a = activity(connector.serviceUrl, { ...opts, from: { aadObjectId: ROSA.aad, tenantId: TENANT } });
    (a.from as { name: string }).name = ROSA.name;
    return a;
  };

  beforeAll(async () => {
    es = await engineStore(engine);
    store = await es.open();
    tmp = await mkdtemp(join(tmpdir(), 'camden-erasure-files-'));
    await writeFile(join(tmp, 'directory.yaml'), DIRECTORY);
    await importDirectory(store, parseDirectoryFile(DIRECTORY, 'erasure directory'));
    rosaId = (await store.directory.findPersonByEmail(ROSA.email))!.id;
    colmId = (await store.directory.findPersonByEmail(COLM.email))!.id;
    fake = await startFakeSlack();
    connector = await startFakeBotConnector();
    prefix = uniquePrefix();
    config = loadConfig({
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      DATA_DIR: tmp,
      KNOWLEDGE_DIR: resolve('knowledge'),
      SLACK_BOT_TOKEN: 'xoxb-erasure',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      TEAMS_LOCAL_DEV: 'true',
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      JOBS_IN_PROCESS: 'true',
    });
    const logger = createLogger(config.LOG_LEVEL);
    server = await startServer({
      config,
      logger,
      port: 0,
      host: '127.0.0.1',
      overrides: { store, answerer: await createKnowledgeBase(config, logger) },
      slack: { maxRetryAfterMs: 5_000, timeoutMs: 5_000 },
      teams: { channelServiceUrl: connector.serviceUrl, sendPolicy: { baseDelayMs: 5, maxDelayMs: 1_000, maxAttempts: 3 } },
      drainMs: 5_000,
    });
    lastWeek = addDays(currentWeekStart(new Date(), config.SCHEDULE_TIMEZONE), -7);
  });

  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await fake?.close().catch(() => undefined);
    await connector?.close().catch(() => undefined);
    if (prefix) await deletePrefix(prefix).catch(() => undefined);
    await es?.dispose().catch(() => undefined);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('uses the bot as the person on Slack and Teams; the export lists every kind of record; erasure leaves nothing linkable', { timeout: 300_000 }, async () => {
    // ---- Slack: /ask (with a share and a vote), a colleague's answer she votes on, a DM and its thread, a mention.
    const asked = await command('/ask', 'What is AI Connect?', ROSA.slack);
    const askId = buttonValue(asked[0].blocks, 'share_answer')!;
    expect(askId).toMatch(/^[0-9a-f-]{36}$/);
    await click('share_answer', askId, ROSA.slack);
    await fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0ERASE01'), 30_000);
    await click('feedback_helpful', askId, ROSA.slack);
    const colmAsked = await command('/ask', 'What is Camden Career Club?', COLM.slack);
    const colmAnswerId = buttonValue(colmAsked[0].blocks, 'feedback_helpful')!;
    await click('feedback_not_helpful', colmAnswerId, ROSA.slack);

    dmTs = newTs();
    await slackEvent({ type: 'message', channel_type: 'im', channel: ROSA.dm, user: ROSA.slack, team: TEAM, text: 'What does the SEND guidance say about transitions?', ts: dmTs });
    await fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === ROSA.dm), 60_000);
    dmFollowUpTs = newTs();
    await slackEvent({ type: 'message', channel_type: 'im', channel: ROSA.dm, user: ROSA.slack, team: TEAM, text: 'And who do I contact about it?', ts: dmFollowUpTs, thread_ts: dmTs });
    await fake.waitFor((calls) => calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === ROSA.dm).length >= 2, 60_000);
    const mentionTs = newTs();
    await slackEvent({ type: 'app_mention', channel: 'C0ERASE01', user: ROSA.slack, team: TEAM, text: '<@U0BOT0001> What is the London AI Campus?', ts: mentionTs });
    await fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.thread_ts === mentionTs), 60_000);

    // ---- Returns: a quick form and its amendment, and the modal (Slack); the card (Teams).
    const quick = `sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3 centre acland-burghley week ${lastWeek}`;
    expect(JSON.stringify(await command('/attendance', quick, ROSA.slack))).toMatch(/Return received/);
    expect(JSON.stringify(await command('/attendance', quick.replace('attendances 120', 'attendances 121'), ROSA.slack))).toMatch(/amended/);
    const state: Record<string, Record<string, unknown>> = {
      centre: { value: { type: 'static_select', selected_option: { value: 'la-sainte-union', text: { type: 'plain_text', text: 'la-sainte-union' } } } },
      week: { value: { type: 'datepicker', selected_date: lastWeek } },
      note: { value: { type: 'plain_text_input', value: null } },
    };
    const modal = { sessions: 3, academic: 3, enrichment: 0, careers: 0, digital: 0, weekend: 0, attendances: 30, pupils: 20, fsm: 5, send: 2, parents: 1 };
    for (const f of FIGURE_FIELDS) state[f] = { value: { type: 'number_input', value: String(modal[f]) } };
    const viewRes = await slackPost(
      interactionBody({
        type: 'view_submission',
        team: { id: TEAM, domain: 'camden' },
        user: { id: ROSA.slack, username: 'rosa', name: 'rosa', team_id: TEAM },
        api_app_id: 'A0CAMDEN01',
        token: 'legacy',
        trigger_id: newTriggerId(),
        view: { id: 'V0ROSAVIEW', team_id: TEAM, type: 'modal', callback_id: 'attendance_return', private_metadata: '{}', state: { values: state }, hash: 'h1', title: { type: 'plain_text', text: 'Weekly return' }, blocks: [] },
        response_urls: [],
        is_enterprise_install: false,
      }),
      'application/x-www-form-urlencoded',
    );
    expect(viewRes.status).toBe(200);
    await waitFor(async () => (await store.returns.get('la-sainte-union', lastWeek)) !== null, { what: 'the modal return', timeout: 30_000 });

    // ---- Teams: a personal-chat question with a vote (Teams' own buttons), a card return, a channel mention.
    await teams(fromRosa({ text: 'What does the Camden Career Club offer?' }));
    await connector.waitFor((calls) => calls.some((c) => c.kind === 'reply' && c.body?.attachments), 'the Teams answer', 60_000);
    const teamsAnswer = connector.messages().find((m) => m.body?.attachments)!;
    await teams({ ...fromRosa({ type: 'invoke' }), name: 'message/submitAction', value: { actionName: 'feedback', actionValue: { reaction: 'like', feedback: '{"feedbackText":""}' } }, replyToId: teamsAnswer.id });
    await teams(fromRosa({ value: { verb: 'attendance_submit', centre: 'la-sainte-union', week: lastWeek, note: '', ...figures({ attendances: '121' }) } }));
    await waitFor(async () => (await store.returns.get('la-sainte-union', lastWeek))?.version === 2, { what: 'the Teams card amendment', timeout: 30_000 });
    await teams(fromRosa({ text: 'What is AI Connect?', conversation: { id: '19:erasure@thread.tacv2', conversationType: 'channel' }, mention: true }));
    await connector.waitFor((calls) => calls.some((c) => c.conversationId?.startsWith('19:erasure') && c.body?.attachments), 'the Teams channel answer', 60_000);

    // ---- A reminder (no return yet for this week) and the digest (she is a network lead), through BullMQ.
    // Run as at this week's reminder (Friday 14:00): a reminder run earlier in the week is about last week, already in.
    await server.jobs!.runNow('reminder', firstReminderOfWeek(currentWeekStart(new Date(), 'Europe/London'), 'Europe/London', '0 14 * * 5')!);
    await server.jobs!.runNow('digest');
    await waitFor(async () => {
      const claims = await store.db.query<{ kind: string; state: string }>('SELECT kind, state FROM notification_claims WHERE recipient = $1', [`person:${rosaId}`]);
      return ['reminder', 'digest'].every((k) => claims.rows.some((c) => c.kind === k && c.state === 'sent'));
    }, { what: 'reminder and digest sent to her', timeout: 90_000 });

    // ---- The search finds her before erasure (so finding nothing afterwards means something).
    const secrets = (await store.db.query<{ key: string; value: string }>('SELECT key, value FROM settings')).rows
      .filter((r) => r.key !== 'directory_file_entries')
      .map((r) => r.value);
    const tombstoneSecret = (await store.settings.get('deleted_people_key')) ?? (await store.settings.installationSecret('deleted_people_key'));
    const needles = new Map<string, string>([
      ['slack user id', ROSA.slack],
      ['Teams AAD object id', ROSA.aad],
      ['email', ROSA.email],
      ['name', ROSA.name],
      ['surname', 'Quintavalle'],
      ['DM channel', ROSA.dm],
      ['person recipient', `person:${rosaId}`],
      ['job id part', encodeURIComponent(`|person:${rosaId}|`)],
    ]);
    const hashed = [
      ROSA.slack, ROSA.aad, ROSA.email, ROSA.dm, `slack:${ROSA.slack}`, `teams:${ROSA.aad}`, `slack:${TEAM}:${ROSA.slack}`,
      `teams:${TENANT}:${ROSA.aad}`, `feedback:slack:${TEAM}:${ROSA.slack}`, `feedback:teams:${TENANT}:${ROSA.aad}`, `person:${rosaId}`,
      `conversation\u0000slack\u0000${ROSA.dm}`, `conversation\u0000slack\u0000${ROSA.dm}\u0000${dmTs}`, `conversation\u0000teams\u0000a:personal-${ROSA.aad}`,
    ];
    const tombstone = createHmac('sha256', tombstoneSecret).update(ROSA.email).digest('base64url');
    for (const text of hashed) {
      for (const [i, form] of hashForms(text, secrets).entries()) if (form !== tombstone) needles.set(`hash ${i} of "${text.replace(/\u0000/g, '\\0')}"`, form);
    }
    const before = [...findNeedles(await dumpTables(store), 'table', needles), ...findNeedles(await dumpRedis(prefix), 'redis', needles)];
    for (const expected of [
      'email in table:people',
      'Teams AAD object id in table:teams_identities',
      'slack user id in table:slack_identities',
      'name in table:attendance_return_versions',
      'job id part in redis:',
    ]) {
      expect(before.some((h) => h.startsWith(expected)), `before erasure the search finds: ${expected}`).toBe(true);
    }
    expect(before.some((h) => h.startsWith('hash') && h.includes('table:question_log')), 'her keyed hash in the question log').toBe(true);
    expect(before.some((h) => h.startsWith('hash') && h.includes('table:bot_feedback')), 'her keyed hash on votes').toBe(true);

    // ---- Stop the bot; the CLI opens the store (PGlite allows one process).
    await server.stop();
    await store.close();
    const env = { ...es.cliEnv, REDIS_URL, QUEUE_PREFIX: prefix };

    const exported = await cli(['directory', 'export', ROSA.email], env);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const doc = JSON.parse(exported.stdout);
    expect(doc.person).toMatchObject({ id: rosaId, email: ROSA.email, name: ROSA.name, roles: ['oc_lead', 'network_lead'] });
    const kinds = Object.keys(doc.records);
    // Tables whose rows say nothing about her on their own (delivery ids, message hashes) are listed, empty.
    const emptyByDesign = ['bot_deliveries', 'teams_answer_messages'];
    for (const kind of kinds.filter((k) => !emptyByDesign.includes(k))) expect(doc.records[kind].length, `export lists ${kind}`).toBeGreaterThan(0);
    expect(kinds).toEqual(expect.arrayContaining(['people', 'person_roles', 'lead_centres', 'slack_identities', 'teams_identities', 'attendance_return_versions',
      'attendance_submission_keys', 'question_log', 'bot_answers', 'bot_feedback', 'notification_claims', 'settings', 'redis:notifications']));
    const questions = doc.records.question_log.map((q: { question: string }) => q.question);
    expect(questions).toEqual(expect.arrayContaining(['What is AI Connect?', 'What does the SEND guidance say about transitions?', 'And who do I contact about it?',
      'What is the London AI Campus?', 'What does the Camden Career Club offer?']));
    expect(questions).not.toContain('What is Camden Career Club?'); // Colm's
    expect(doc.records.bot_answers.length).toBe(questions.length);
    expect(doc.records.bot_feedback).toHaveLength(3);
    expect(doc.records.attendance_return_versions).toHaveLength(4);
    expect(doc.records.teams_identities[0].conversation_reference.user.name).toBe(ROSA.name);
    expect(doc.records['redis:notifications'].map((j: { name: string }) => j.name).sort()).toEqual(['digest', 'reminder']);

    const deleted = await cli(['directory', 'delete', ROSA.email], env);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(/deleted rosa\.quintavalle@example\.org:/);
    expect(deleted.stdout).toMatch(/4 return version\(s\) kept for their centres/);

    // ---- Nothing remains that names her or can be linked to her: PGlite's own files first (before they are opened).
    if (es.dataDir) {
      const plain = new Map([...needles].filter(([label]) => !label.startsWith('hash')));
      expect(await filesContaining(es.dataDir, plain)).toEqual([]);
    }
    store = await es.open();
    const tables = await dumpTables(store);
    const redisKeys = await dumpRedis(prefix);
    const after = [...findNeedles(tables, 'table', needles), ...findNeedles(redisKeys, 'redis', needles)];
    expect(after).toEqual([]);
    // The one thing kept on purpose: the tombstone (a keyed hash of the email), only in deleted_people.
    const tomb = findNeedles(new Map([...tables].map(([k, v]) => [k, v])), 'table', new Map([['tombstone', tombstone]]));
    expect(tomb).toEqual(['tombstone in table:deleted_people']);

    // Her returns stay, as "deleted person"; the colleague's data is untouched.
    for (const centre of ['acland-burghley', 'la-sainte-union']) {
      const history = await store.returns.history(centre, lastWeek);
      expect(history).toHaveLength(2);
      for (const v of history) expect(v).toMatchObject({ submittedBy: null, submittedByName: null });
    }
    expect(await store.directory.findPersonByEmail(COLM.email)).toMatchObject({ id: colmId });
    expect(tables.get('bot_answers')).toContain('What is Camden Career Club?');

    // A start-up with the directory file that still lists her does not bring her back.
    const restart = await createAppContext({ ...config, DIRECTORY_FILE: join(tmp, 'directory.yaml') }, createLogger('silent'), {
      store,
      answerer: { answer: async () => ({ answered: false, answer: '', citations: [] }) },
    });
    await restart.close();
    expect(await store.directory.findPersonByEmail(ROSA.email)).toBeNull();
    expect(findNeedles(await dumpTables(store), 'table', needles)).toEqual([]);
  });
});
