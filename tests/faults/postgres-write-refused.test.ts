/**
 * Postgres taking away the bot's right to write (a revoked INSERT/UPDATE on its role): the same mechanism as a full
 * disk under PGlite (tests/faults/disk-full.test.ts). A Slack quick form, a Teams card and a feedback vote each get
 * "could not save" and store nothing, the reason is logged, /healthz answers 503 store_write_failed; once the grant
 * is back, /healthz is 200 and a resubmission stores exactly one version.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDb, quoteIdent } from '../../src/store/pg-db.js';
import { createStore, type Store } from '../../src/store/store.js';
import { feedbackCounts } from '../../src/store/bot-answers-repo.js';
import { TEAMS_USERS } from '../helpers/directory-fixture.js';
import { blockText, buttonValue, ephemeralButtonClick, TEAM, userPayload, USERS } from '../helpers/slack-harness.js';
import { newTriggerId, newTs } from '../helpers/slack-requests.js';
import { activity, figures } from '../helpers/teams-harness.js';
import { captureLogs, startTestServer, type CapturedLogs, type TestServer } from '../helpers/server-harness.js';
import { openTestStore, TEST_DATABASE_URL, uniqueSchemaName, type TestStore } from '../helpers/store.js';
import { waitFor } from '../helpers/wait.js';

const COULD_NOT_SAVE = 'I could not save that, please try again in a few minutes. Nothing was stored.';

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

describe('Postgres refusing the bot\'s writes (permission revoked)', () => {
  const role = `camden_writer_${uniqueSchemaName()}`.slice(0, 63);
  let owner: TestStore;
  let store: Store;
  let logs: CapturedLogs;
  let h: TestServer;
  let week: string;
  let schema: string;
  let answerId: string;
  const quick = 'sessions 5 academic 3 enrichment 2 attendances 90 pupils 40 fsm 20 send 6 parents 2';
  const grantWrites = () => admin(`GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(role)}`);
  const revokeWrites = () => admin(`REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${quoteIdent(schema)} FROM ${quoteIdent(role)}`);

  async function submitText(text: string): Promise<string> {
    const { responseId } = await h.command('/attendance', text, USERS.lead);
    await h.fake!.waitFor(() => h.responses(responseId).length > 0, 20_000);
    return h.responses(responseId).map((r) => `${r.text}\n${blockText(r.blocks)}`).join('\n');
  }

  async function storedVersions(): Promise<number> {
    const r = await owner.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM attendance_return_versions');
    return r.rows[0]!.n;
  }

  beforeAll(async () => {
    // The schema and its tables belong to the test's superuser; the bot runs as a role of its own, as in production.
    owner = await openTestStore('postgres');
    schema = owner.location;
    await admin(`CREATE ROLE ${quoteIdent(role)} LOGIN`);
    await admin(`GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(role)}`);
    await admin(`GRANT SELECT ON ALL TABLES IN SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(role)}`);
    await admin(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(role)}`);
    await grantWrites();
    const url = new URL(TEST_DATABASE_URL);
    url.username = role;
    logs = captureLogs('info', 'store');
    store = createStore(createPgDb({ connectionString: url.toString(), schema, max: 4, logger: logs.logger }), logs.logger);
    h = await startTestServer({ store, slack: {}, teams: {} });
    week = h.server.context.attendance.defaultWeek();
    expect((await h.health()).status).toBe(200);
    // An answer to vote on, stored while writes were allowed.
    const asked = await h.command('/ask', 'What is the Camden School Report?', USERS.staff);
    await h.fake!.waitFor(() => h.responses(asked.responseId).length > 0, 60_000);
    answerId = buttonValue(h.responses(asked.responseId)[0].blocks, 'feedback_helpful')!;
    expect(answerId).toMatch(/^[0-9a-f-]{36}$/);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await store?.close().catch(() => undefined);
    await owner?.close();
    await admin(`DROP OWNED BY ${quoteIdent(role)}`).catch(() => undefined);
    await admin(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
  });

  it('a return while writes are refused: "could not save", nothing stored, the reason logged, /healthz 503', async () => {
    await revokeWrites();
    const text = await submitText(quick);
    expect(text).toContain(COULD_NOT_SAVE);
    expect(await storedVersions()).toBe(0);
    const logged = logs.find(/store write failed/);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged[0]).toMatchObject({ code: 'store_write_failed', reason: 'insufficient_privilege' });
    expect(await h.metric('camden_errors_total', { code: 'store_write_failed', where: 'attendance-quick' })).toBe(1);
    const health = await h.health();
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'down', code: 'store_write_failed', store: { ok: false, engine: 'postgres', reason: 'insufficient_privilege' } });
    const res = await fetch(`${h.server.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(await res.json()).toEqual({ status: 'down', code: 'store_write_failed' });
  });

  it('a Teams card submitted while writes are refused comes back with "could not save"; nothing stored', async () => {
    const c = h.connector!;
    c.reset();
    await h.teamsPost(activity(c.serviceUrl, { from: TEAMS_USERS.lead, text: 'attendance' }));
    await c.waitFor(() => c.messages().length >= 1, 'the form');
    const form = c.messages()[0]!;
    c.reset();
    const value = { verb: 'attendance_submit', centre: 'acland-burghley', week, note: '', ...figures() };
    await h.teamsPost(activity(c.serviceUrl, { from: TEAMS_USERS.lead, value, replyToId: form.id! }));
    await c.waitFor((calls) => calls.some((x) => x.kind === 'update' || x.kind === 'send'), 'the card back');
    expect(JSON.stringify(c.calls.map((x) => x.body))).toContain(COULD_NOT_SAVE);
    expect(await storedVersions()).toBe(0);
    expect(await h.metric('camden_errors_total', { code: 'store_write_failed', where: 'attendance-form-submit' })).toBe(1);
  });

  it('a feedback vote while writes are refused: "could not save", no vote stored', async () => {
    const rid = `fb${Math.random().toString(36).slice(2)}`;
    const res = await h.interaction(
      ephemeralButtonClick({ user: USERS.staff, actionId: 'feedback_helpful', value: answerId, channel: 'C0GENERAL1', responseUrl: `${h.fake!.responseUrlBase}/${rid}` }),
    );
    expect(res.status).toBe(200);
    await h.fake!.waitFor(() => h.responses(rid).length > 0);
    expect(blockText(h.responses(rid)[0].blocks)).toContain(COULD_NOT_SAVE);
    expect(await feedbackCounts(owner.store.db, answerId)).toEqual({ helpful: 0, notHelpful: 0 });
  });

  it('with the grant back /healthz is 200 again and a resubmission stores exactly one version', async () => {
    await grantWrites();
    await waitFor(async () => ((await h.health()).status === 200 ? true : null), { what: '/healthz 200 after the grant', timeout: 20_000, every: 250 });
    const text = await submitText(quick);
    expect(text).toContain('Return received');
    expect(await storedVersions()).toBe(1);
    expect(await h.server.context.attendance.history('acland-burghley', week)).toHaveLength(1);
  });
});
