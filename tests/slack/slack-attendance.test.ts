import { waitFor } from '../helpers/wait.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_FIELDS } from '../../src/attendance/types.js';
import { formatDate } from '../../src/digest/dates.js';
import { newTriggerId } from '../helpers/slack-requests.js';
import { attendanceViewSubmission as viewSubmission, blockText, startSlackHarness, TEAM, userPayload, USERS, type SlackHarness } from '../helpers/slack-harness.js';
import { expectInertSlackMessage } from '../helpers/slack-inert.js';
import { messageProblems } from '../helpers/block-kit-rules.js';
import { reminderReply } from '../../jobs/reminder-reply.js';
import { toMessages } from '../../adapters/slack/blocks/render-reply.js';

let h: SlackHarness;
let week: string;

beforeAll(async () => {
  h = await startSlackHarness('postgres');
  week = h.server.context.attendance.defaultWeek();
});

afterAll(async () => {
  await h?.close();
});

const VALID = { sessions: 6, academic: 4, enrichment: 2, careers: 0, digital: 0, weekend: 0, attendances: 120, pupils: 45, fsm: 30, send: 8, parents: 3 };

async function respondText(responseId: string): Promise<string> {
  await h.fake.waitFor(() => h.responses(responseId).length > 0);
  return h.responses(responseId).map((r) => `${r.text}\n${blockText(r.blocks)}`).join('\n');
}

describe('/attendance modal', () => {
  it('opens the form with the lead\'s centres only and the week just ended', async () => {
    const { status, triggerId } = await h.command('/attendance', '', USERS.multiLead);
    expect(status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo('views.open').some((c) => c.args.trigger_id === triggerId));
    const view = h.fake.callsTo('views.open').find((c) => c.args.trigger_id === triggerId)!.args.view;
    const centre = view.blocks.find((b: any) => b.block_id === 'centre');
    expect(centre.element.options.map((o: any) => o.value).sort()).toEqual(['camden-career-club', 'london-ai-campus']);
    expect(view.blocks.find((b: any) => b.block_id === 'week').element.initial_date).toBe(week);
  });

  it('an expired trigger says so and offers the quick form', async () => {
    h.fake.failNext('views.open', { kind: 'error', error: 'expired_trigger_id' });
    const { responseId } = await h.command('/attendance', '', USERS.lead);
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    expect(blockText(h.responses(responseId)[0].blocks)).toMatch(/took too long to open.*\/attendance sessions/);
  });

  it('the App Home "Submit a return" button opens the same form', async () => {
    const triggerId = newTriggerId();
    const res = await h.interaction({
      type: 'block_actions',
      user: userPayload(USERS.lead),
      team: { id: TEAM, domain: 'camden' },
      api_app_id: 'A0CAMDEN01',
      token: 'legacy',
      trigger_id: triggerId,
      container: { type: 'view', view_id: 'V0HOME001' },
      view: { id: 'V0HOME001', type: 'home', blocks: [], state: { values: {} }, hash: 'h' },
      actions: [{ action_id: 'open_attendance_form', block_id: 'b1', type: 'button', value: 'home', text: { type: 'plain_text', text: 'Submit a return' }, action_ts: '1' }],
    });
    expect(res.status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo('views.open').some((c) => c.args.trigger_id === triggerId));
    const view = h.fake.callsTo('views.open').find((c) => c.args.trigger_id === triggerId)!.args.view;
    expect(view.callback_id).toBe('attendance_return');
    expect(view.blocks.find((b: any) => b.block_id === 'centre').element.options.map((o: any) => o.value)).toEqual(['acland-burghley']);
  });

  it('a lead of two centres gets one valid reminder; each button opens the form on its own centre and the week', async () => {
    const person = (await h.server.context.directory.findPersonByEmail('priya.shah@example.org'))!;
    const centres = (await h.server.context.directory.listCentres()).filter((c) => person.centres.includes(c.id));
    const messages = toMessages(reminderReply({ kind: 'reminder', person, centres, week, platform: 'slack' }));
    expect(messages).toHaveLength(1);
    expect(messageProblems(messages[0]!)).toEqual([]);
    const all = messages[0]!.blocks.flatMap((b: any) => (b.type === 'actions' ? b.elements : []));
    // Per centre: "Submit for …" and "No sessions at …" (with Slack's confirm dialog), every action id unique.
    expect(all.map((b: any) => b.text.text)).toEqual(centres.flatMap((c) => [`Submit for ${c.name}`, `No sessions at ${c.name}`]));
    expect(new Set(all.map((b: any) => b.action_id)).size).toBe(4);
    expect(all[1].confirm.title.text).toBe('No sessions this week?');
    const buttons = all.filter((b: any) => b.action_id.startsWith('open_attendance_form'));
    expect(buttons).toHaveLength(2);
    for (const [i, button] of buttons.entries()) {
      const triggerId = newTriggerId();
      const res = await h.interaction({
        type: 'block_actions',
        user: userPayload(USERS.multiLead),
        team: { id: TEAM, domain: 'camden' },
        api_app_id: 'A0CAMDEN01',
        token: 'legacy',
        trigger_id: triggerId,
        container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'D0LEAD002', is_ephemeral: false },
        channel: { id: 'D0LEAD002', name: 'directmessage' },
        message: { ts: '1700000000.000100', text: messages[0]!.text, blocks: messages[0]!.blocks },
        actions: [{ action_id: button.action_id, block_id: 'reminder', type: 'button', value: button.value, text: button.text, action_ts: '1' }],
      });
      expect(res.status).toBe(200);
      await h.fake.waitFor(() => h.fake.callsTo('views.open').some((c) => c.args.trigger_id === triggerId));
      const view = h.fake.callsTo('views.open').find((c) => c.args.trigger_id === triggerId)!.args.view;
      const centreBlock = view.blocks.find((b: any) => b.block_id === 'centre');
      expect(centreBlock.element.initial_option.value).toBe(centres[i]!.id);
      expect(view.blocks.find((b: any) => b.block_id === 'week').element.initial_date).toBe(week);
    }
  });

  it('valid submission -> confirmation in the modal, stored once; the same submission again stores no second version', async () => {
    const payload = viewSubmission(USERS.lead, 'V0MODAL01', { centre: 'acland-burghley', week, figures: VALID, note: 'Half term <!here> *closed* _early_' });
    const res = await h.interaction(payload);
    expect(res.status).toBe(200);
    expect(res.json.response_action).toBe('update');
    const text = blockText(res.json.view.blocks);
    expect(text).toContain('Return received for Acland Burghley');
    expectInertSlackMessage(res.json.view, ['Half term <!here> *closed* _early_']);
    const again = await h.interaction({ ...payload, trigger_id: newTriggerId() });
    expect(again.json.response_action).toBe('update');
    expect(blockText(again.json.view.blocks)).toContain('Already received');
    const history = await h.server.context.attendance.history('acland-burghley', week);
    expect(history).toHaveLength(1);
    expect(history[0]!.figures.attendances).toBe(120);
  });

  it('invalid figures -> response_action errors next to the field, nothing stored', async () => {
    const res = await h.interaction(
      viewSubmission(USERS.multiLead, 'V0MODAL02', { centre: 'london-ai-campus', week, figures: { ...VALID, pupils: 130, fsm: 'lots' } }),
    );
    expect(res.status).toBe(200);
    expect(res.json.response_action).toBe('errors');
    expect(Object.keys(res.json.errors)).toContain('fsm');
    expect(res.json.errors.fsm).toMatch(/whole number/);
    const second = await h.interaction(viewSubmission(USERS.multiLead, 'V0MODAL02', { centre: 'london-ai-campus', week, figures: { ...VALID, pupils: 130 } }));
    expect(second.json.response_action).toBe('errors');
    expect(Object.keys(second.json.errors)).toContain('pupils');
    expect(await h.server.context.attendance.get('london-ai-campus', week)).toBeNull();
  });

  it('a lead submitting for another centre is refused on the form, nothing stored', async () => {
    const res = await h.interaction(viewSubmission(USERS.lead, 'V0MODAL03', { centre: 'la-sainte-union', week, figures: VALID }));
    expect(res.json.response_action).toBe('errors');
    expect(res.json.errors.centre).toMatch(/not a lead of La Sainte Union/);
    expect(await h.server.context.attendance.get('la-sainte-union', week)).toBeNull();
  });
});

describe('/attendance quick form', () => {
  const quick = 'sessions 5 academic 3 enrichment 2 attendances 90 pupils 40 fsm 20 send 6 parents 2';

  it('submits at once and confirms with the figures; resubmitting amends and says so', async () => {
    const first = await h.command('/attendance', `${quick} centre camden-career-club`, USERS.multiLead);
    const text = await respondText(first.responseId);
    expect(text).toContain('Return received for Camden Career Club');
    expect(text).toMatch(/attendances 90/);
    const second = await h.command('/attendance', `sessions 5 academic 3 enrichment 2 attendances 95 pupils 40 fsm 20 send 6 parents 2 centre camden-career-club`, USERS.multiLead);
    const amended = await respondText(second.responseId);
    expect(amended).toMatch(/amended/i);
    expect(amended).toContain('version 2');
    expect((await h.server.context.attendance.history('camden-career-club', week)).length).toBe(2);
  });

  it('the same slash command delivered twice (same trigger_id) stores one version', async () => {
    const triggerId = newTriggerId();
    const duplicates = await h.metric('camden_deliveries_total', { platform: 'slack', outcome: 'duplicate' });
    const a = await h.command('/attendance', `${quick} centre london-ai-campus`, USERS.multiLead, { triggerId });
    const b = await h.command('/attendance', `${quick} centre london-ai-campus`, USERS.multiLead, { triggerId });
    // Either delivery may win the claim; exactly one is handled.
    await h.fake.waitFor(() => h.responses(a.responseId).length + h.responses(b.responseId).length > 0);
    // The other delivery was recognised as a duplicate (camden_deliveries_total): it will not answer later.
    await waitFor(async () => (await h.metric('camden_deliveries_total', { platform: 'slack', outcome: 'duplicate' })) > duplicates, { what: 'the duplicate ignored' });
    expect([h.responses(a.responseId).length, h.responses(b.responseId).length].sort()).toEqual([0, 1]);
    expect(await h.server.context.attendance.history('london-ai-campus', week)).toHaveLength(1);
  });

  it('names the bad field in an ephemeral message and stores nothing', async () => {
    const { responseId } = await h.command('/attendance', 'sesions 5 attendances 10 pupils 4', USERS.lead);
    const text = await respondText(responseId);
    expect(h.responses(responseId)[0].response_type).toBe('ephemeral');
    expect(text).toMatch(/Nothing was saved/);
    expect(text).toMatch(/sesions/);
  });

  it('a lead of several centres must say which', async () => {
    const { responseId } = await h.command('/attendance', quick, USERS.multiLead);
    expect(await respondText(responseId)).toMatch(/several centres.*camden-career-club/);
  });

  it('plain staff are refused politely and no form opens', async () => {
    const opened = h.fake.callsTo('views.open').length;
    const { responseId } = await h.command('/attendance', '', USERS.staff);
    expect(await respondText(responseId)).toMatch(/Only registered Opportunity Centre leads/);
    const q = await h.command('/attendance', quick, USERS.staff);
    expect(await respondText(q.responseId)).toMatch(/Only registered Opportunity Centre leads/);
    expect(h.fake.callsTo('views.open').length).toBe(opened);
  });

  it('a lead submitting for another centre by quick form is refused', async () => {
    const { responseId } = await h.command('/attendance', `${quick} centre la-sainte-union`, USERS.lead);
    expect(await respondText(responseId)).toMatch(/not a lead of La Sainte Union/);
    expect(await h.server.context.attendance.get('la-sainte-union', week)).toBeNull();
  });

  it('/attendance status lists in and missing returns', async () => {
    const { responseId } = await h.command('/attendance', 'status', USERS.lead);
    const text = await respondText(responseId);
    expect(text).toContain('Acland Burghley');
    expect(text).toMatch(/Missing/);
    expect(text).toContain(formatDate(week));
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});

describe('admin commands and /digest', () => {
  it('admins register roles and pause reminders; others are refused', async () => {
    const refused = await h.command('/attendance', 'admin register jo.bloggs@example.org oc_lead la-sainte-union', USERS.lead);
    expect(await respondText(refused.responseId)).toMatch(/only admins/i);
    const ok = await h.command('/attendance', 'admin register jo.bloggs@example.org oc_lead la-sainte-union', USERS.admin);
    expect(await respondText(ok.responseId)).toMatch(/Jo Bloggs \(jo\.bloggs@example\.org\): role centre lead \(oc_lead\) added; now leads La Sainte Union Opportunity Centre/);
    const person = await h.server.context.directory.findPersonByEmail('jo.bloggs@example.org');
    expect(person?.centres).toEqual(['la-sainte-union']);
    const pause = await h.command('/attendance', 'admin pause la-sainte-union until 2099-01-31', USERS.admin);
    expect(await respondText(pause.responseId)).toMatch(/paused until 31 Jan 2099/);
    expect((await h.server.context.directory.getCentre('la-sainte-union'))?.remindersPausedUntil).toBe('2099-01-31');
    const bad = await h.command('/attendance', 'admin pause la-sainte-union until tomorrow', USERS.admin);
    expect(await respondText(bad.responseId)).toMatch(/until must be a date/);
  });

  it('/digest: network leads get the digest, centre leads are refused', async () => {
    const lead = await h.command('/digest', '', USERS.lead);
    expect(await respondText(lead.responseId)).toMatch(/only network leads and admins can see it/i);
    // The digest, with its chart, goes to the network lead's DM with the bot (a response_url cannot carry a file);
    // the command's channel says where.
    const network = await h.command('/digest', '', USERS.network, { channel: 'C0GENERAL' });
    expect(await respondText(network.responseId)).toContain('Your digest, with its chart, is in your messages with me.');
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'files.completeUploadExternal' && c.args.channel_id === 'D0NET0001'));
    const dm = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0NET0001').at(-1)!;
    const text = blockText(dm.args.blocks);
    expect(text).toMatch(/Weekly attendance digest/);
    expect(text).toMatch(/Acland Burghley/);
    expect(text).toContain('📊 Weekly attendances per centre, last 12 weeks: the chart follows this message.');
    expect(h.fake.callsTo('files.getUploadURLExternal').length).toBeGreaterThan(0);
    // Another week on demand; with no returns around it there is no chart, so it is answered where it was asked.
    const older = await h.command('/digest', 'week 2026-11-04', USERS.network, { channel: 'C0GENERAL' });
    const olderText = await respondText(older.responseId);
    expect(olderText).toContain('Weekly attendance digest: 2 Nov 2026 – 8 Nov 2026');
    expect(olderText).toContain('No returns yet for this week.');
  });
});
