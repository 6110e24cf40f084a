/**
 * A lead amends one figure of a return three ways — the quick form, the Slack modal and the Teams card — through the
 * real server (Bolt with signed requests against the fake Slack Web API, botbuilder through the fake Bot Connector),
 * on PGlite and on Postgres. Every other figure and the note stay; each reply says what changed. The forms open
 * filled in with the return, reload when the week changes, and refuse a stale or re-dated form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_FIELDS } from '../../src/attendance/types.js';
import { ENGINES } from '../helpers/store.js';
import { startFakeBotConnector, type FakeBotConnector } from '../helpers/fake-bot-connector.js';
import { blockText, dmButtonClick, startSlackHarness, TEAM, TEAMS_IDS, TEAMS_TENANT_ID, userPayload, USERS, type SlackHarness } from '../helpers/slack-harness.js';
import { newTriggerId } from '../helpers/slack-requests.js';
import { activity } from '../helpers/teams-harness.js';

const FIRST = 'sessions 6 academic 4 enrichment 2 weekend 1 attendances 120 pupils 45 fsm 30 send 8 parents 3 note "Half term: two sessions outdoors"';
const STORED = { sessions: 6, academic: 4, enrichment: 2, careers: 0, digital: 0, weekend: 1, attendances: 120, pupils: 45, fsm: 30, send: 8, parents: 3 };

/** The view state Slack would send for a modal as the bot opened it, with some boxes retyped. */
function stateOf(view: any, typed: Record<string, string | null> = {}) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks as any[]) {
    if (b.type !== 'input') continue;
    const field = String(b.block_id).split('~')[0]!;
    const e = b.element;
    if (e.type === 'static_select') values[b.block_id] = { value: { type: e.type, selected_option: typed[field] ? { value: typed[field] } : (e.initial_option ?? null) } };
    else if (e.type === 'datepicker') values[b.block_id] = { value: { type: e.type, selected_date: field in typed ? typed[field] : (e.initial_date ?? null) } };
    else values[b.block_id] = { value: { type: e.type, value: field in typed ? typed[field] : (e.initial_value ?? null) } };
  }
  return values;
}

describe.each(ENGINES)('amending one figure keeps the rest, on %s', (engine) => {
  let h: SlackHarness;
  let connector: FakeBotConnector;
  let week: string;
  let seq = 0;

  beforeAll(async () => {
    connector = await startFakeBotConnector();
    h = await startSlackHarness(engine, { TEAMS_LOCAL_DEV: 'true' });
    week = h.server.context.attendance.defaultWeek();
  });
  afterAll(async () => {
    await h?.close();
    await connector?.close();
  });

  const latest = () => h.server.context.attendance.get('acland-burghley', week);

  async function quickForm(text: string): Promise<string> {
    const { responseId } = await h.command('/attendance', text, USERS.lead);
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    return h.responses(responseId).map((r) => blockText(r.blocks)).join('\n');
  }

  async function openModal(value: string): Promise<any> {
    const triggerId = newTriggerId();
    await h.interaction(
      dmButtonClick({
        user: USERS.lead,
        button: { action_id: 'open_attendance_form', value, text: { type: 'plain_text', text: 'Submit' } },
        message: { ts: '1700000000.000100', channel: 'D0LEAD001' },
        triggerId,
      }),
    );
    await h.fake.waitFor(() => h.fake.callsTo('views.open').some((c) => c.args.trigger_id === triggerId));
    return h.fake.callsTo('views.open').find((c) => c.args.trigger_id === triggerId)!.args.view;
  }

  function submitModal(view: any, typed: Record<string, string | null>, viewId = `V0AMEND${++seq}`) {
    return h.interaction({
      type: 'view_submission',
      team: { id: TEAM, domain: 'camden' },
      user: userPayload(USERS.lead),
      api_app_id: 'A0CAMDEN01',
      token: 'legacy',
      trigger_id: newTriggerId(),
      view: { ...view, id: viewId, team_id: TEAM, hash: 'h1', state: { values: stateOf(view, typed) } },
      response_urls: [],
      is_enterprise_install: false,
    });
  }

  async function teamsCard(): Promise<{ card: any; id: string; conversation: { id: string; conversationType: 'personal' } }> {
    const conversation = { id: `a:amend-${engine}-${++seq}`, conversationType: 'personal' as const };
    const from = { aadObjectId: TEAMS_IDS.lead, tenantId: TEAMS_TENANT_ID };
    const res = await fetch(`${h.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity(connector.serviceUrl, { from, text: 'attendance', conversation })),
    });
    expect(res.status).toBe(200);
    const sent = connector.messages(conversation.id).at(-1)!;
    return { card: sent.body.attachments[0].content, id: sent.id!, conversation };
  }

  it('quick form: "pupils 50" changes pupils only; the note stays; the reply says what changed', async () => {
    expect(await quickForm(FIRST)).toContain('Return received for Acland Burghley Opportunity Centre');
    const reply = await quickForm('pupils 50');
    expect(reply).toContain('Return amended for Acland Burghley Opportunity Centre');
    expect(reply).toContain('Changed:\nUnique pupils: 45 → 50\nEverything else is as it was.');
    const r = (await latest())!;
    expect(r.figures).toEqual({ ...STORED, pupils: 50 });
    expect(r.note).toBe('Half term: two sessions outdoors');
  });

  it('Slack modal: opens filled in (amending version 2); changing one box keeps every other and the note', async () => {
    const view = await openModal(JSON.stringify({ centreId: 'acland-burghley', week }));
    const text = blockText(view.blocks);
    expect(text).toContain('Amending version 2 of the return for Acland Burghley Opportunity Centre');
    expect(view.submit.text).toBe('Amend');
    const box = (f: string) => view.blocks.find((b: any) => String(b.block_id).split('~')[0] === f);
    for (const f of FIGURE_FIELDS) expect(box(f).element.initial_value).toBe(String({ ...STORED, pupils: 50 }[f]));
    expect(box('note').element.initial_value).toBe('Half term: two sessions outdoors');
    expect(box('pupils').hint.text).toBe('Different pupils who came at least once.');
    expect(box('parents').optional).toBe(true);
    expect(box('pupils').optional).toBe(false);

    const res = await submitModal(view, { attendances: '130' });
    expect(res.json.response_action).toBe('update');
    expect(blockText(res.json.view.blocks)).toContain('Total attendances: 120 → 130');
    const r = (await latest())!;
    expect(r.version).toBe(3);
    expect(r.figures).toEqual({ ...STORED, pupils: 50, attendances: 130 });
    expect(r.note).toBe('Half term: two sessions outdoors');
  });

  it('Teams card: opens filled in; changing one box keeps every other and the note', async () => {
    const { card, id, conversation } = await teamsCard();
    const input = (f: string) => card.body.find((e: any) => e.id === f);
    expect(input('attendances').value).toBe(130);
    expect(input('note').value).toBe('Half term: two sessions outdoors');
    expect(card.body.map((e: any) => e.text).join('\n')).toContain('Amending version 3');
    const submit = card.actions.find((a: any) => a.data?.verb === 'attendance_submit');
    expect(submit.title).toBe('Amend return');
    // What Teams posts back: the button's data and every input's value as a string.
    const value: Record<string, unknown> = { ...submit.data };
    for (const e of card.body) if (String(e.type).startsWith('Input.')) value[e.id] = e.value === undefined ? '' : String(e.value);
    value.fsm = '31';
    const from = { aadObjectId: TEAMS_IDS.lead, tenantId: TEAMS_TENANT_ID };
    const res = await fetch(`${h.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity(connector.serviceUrl, { from, value, replyToId: id, conversation })),
    });
    expect(res.status).toBe(200);
    const update = connector.calls.filter((c) => c.kind === 'update' && c.activityId === id).at(-1)!;
    expect(JSON.stringify(update.body)).toContain('Pupils eligible for free school meals: 30 → 31');
    const r = (await latest())!;
    expect(r.version).toBe(4);
    expect(r.figures).toEqual({ ...STORED, pupils: 50, attendances: 130, fsm: 31 });
    expect(r.note).toBe('Half term: two sessions outdoors');
    const history = await h.server.context.attendance.history('acland-burghley', week);
    expect(history.map((v) => v.changes.map((c) => c.field))).toEqual([[], ['pupils'], ['attendances'], ['fsm']]);
  });

  it('a form opened before someone else amended the return, or re-dated after it was filled in, stores nothing and shows what is there', async () => {
    // The Slack modal was opened at version 3; the Teams card made version 4 since.
    const stale = await openModal(JSON.stringify({ centreId: 'acland-burghley', week }));
    const staleMeta = JSON.parse(stale.private_metadata);
    const old = { ...stale, private_metadata: JSON.stringify({ ...staleMeta, shown: { ...staleMeta.shown, version: 3 } }) };
    const res = await submitModal(old, { parents: '9' });
    expect(res.json.response_action).toBe('update');
    expect(blockText(res.json.view.blocks)).toMatch(/Nothing was saved: this return was changed by Sam Okafor \(version 4\) after the form opened/);
    expect((await latest())!.version).toBe(4);

    // Filled in with this week's return, then the date moved to the week before: nothing stored there.
    const before = new Date(Date.parse(`${week}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
    const moved = await submitModal(stale, { week: before, parents: '9' });
    expect(blockText(moved.json.view.blocks)).toMatch(/Nothing was saved: the form was showing the return for the week of .*, and the week changed/);
    expect(await h.server.context.attendance.get('acland-burghley', before)).toBeNull();
  });

  it('changing the week in the Slack modal reloads it (views.update) for that week: empty where there is no return', async () => {
    const view = await openModal(JSON.stringify({ centreId: 'acland-burghley', week }));
    const before = new Date(Date.parse(`${week}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
    const state = stateOf(view, { week: before });
    await h.interaction({
      type: 'block_actions',
      user: userPayload(USERS.lead),
      team: { id: TEAM, domain: 'camden' },
      api_app_id: 'A0CAMDEN01',
      token: 'legacy',
      trigger_id: newTriggerId(),
      container: { type: 'view', view_id: 'V0RELOAD1' },
      view: { ...view, id: 'V0RELOAD1', hash: 'h-reload', state: { values: state } },
      actions: [{ action_id: 'value', block_id: 'week', type: 'datepicker', selected_date: before, action_ts: '2' }],
    });
    await h.fake.waitFor(() => h.fake.callsTo('views.update').some((c) => c.args.view_id === 'V0RELOAD1'));
    const update = h.fake.callsTo('views.update').find((c) => c.args.view_id === 'V0RELOAD1')!.args;
    expect(update.hash).toBe('h-reload');
    const blocks = update.view.blocks as any[];
    expect(blockText(blocks)).toContain('No return yet for Acland Burghley Opportunity Centre');
    const pupils = blocks.find((b) => String(b.block_id).startsWith('pupils'));
    // New block ids, so Slack shows the emptied boxes instead of keeping the other week's figures.
    expect(pupils.block_id).not.toBe('pupils');
    expect(pupils.element.initial_value).toBeUndefined();
    expect(update.view.submit.text).toBe('Submit');
    expect(h.fake.refused).toEqual([]);
  });
});
