import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_FIELDS } from '../../src/attendance/types.js';
import { newTriggerId } from '../helpers/slack-requests.js';
import { blockText, startSlackHarness, TEAM, userPayload, USERS, type SlackHarness } from '../helpers/slack-harness.js';
import { TEST_DATABASE_URL } from '../helpers/store.js';

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness('postgres', {}, undefined, { viewAckBudgetMs: 300 });
});

afterAll(async () => {
  await h?.close();
});

describe('a modal submission slower than Slack allows', () => {
  it('closes the modal within the ack budget, then sends the outcome as a DM once stored', async () => {
    const week = h.server.context.attendance.defaultWeek();
    const figures = { sessions: 6, academic: 4, enrichment: 2, careers: 0, digital: 0, weekend: 0, attendances: 120, pupils: 45, fsm: 30, send: 8, parents: 3 };
    const values: Record<string, Record<string, unknown>> = {
      centre: { value: { type: 'static_select', selected_option: { value: 'acland-burghley', text: { type: 'plain_text', text: 'x' } } } },
      week: { value: { type: 'datepicker', selected_date: week } },
      note: { value: { type: 'plain_text_input', value: null } },
    };
    for (const f of FIGURE_FIELDS) values[f] = { value: { type: 'number_input', value: String(figures[f]) } };

    // Hold a lock on the returns table so the store cannot finish until we let it (a stand-in for a slow database).
    const locker = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`SET LOCAL search_path TO "${h.testStore.location}"`);
      await locker.query('LOCK TABLE attendance_returns IN ACCESS EXCLUSIVE MODE');
      const res = await h.interaction({
        type: 'view_submission',
        team: { id: TEAM, domain: 'camden' },
        user: userPayload(USERS.lead),
        api_app_id: 'A0CAMDEN01',
        token: 'legacy',
        trigger_id: newTriggerId(),
        view: { id: 'V0SLOW001', team_id: TEAM, type: 'modal', callback_id: 'attendance_return', private_metadata: '{}', state: { values }, hash: 'h', blocks: [] },
      });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(h.fake.callsTo('chat.postMessage').some((c) => c.args.channel === `D${USERS.lead.slice(1)}`)).toBe(false);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === `D${USERS.lead.slice(1)}`));
    const dm = h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === `D${USERS.lead.slice(1)}`)!;
    expect(blockText(dm.args.blocks)).toContain('Return received for Acland Burghley');
    expect(await h.server.context.attendance.history('acland-burghley', week)).toHaveLength(1);
  });
});
