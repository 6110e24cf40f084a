/**
 * The weekly return loop walked as its people walk it, through the real server: Bolt with signed requests against the
 * fake Slack Web API (which refuses what Slack refuses), BullMQ on real Redis, Postgres. Friday's reminder, a quick
 * form typed without a week, the modal, "No sessions this week", an amendment, Monday's nudge (or its absence) and
 * the digest in a channel and in a network lead's DM.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_FIELDS } from '../../src/attendance/types.js';
import { NotificationClaimsRepo } from '../../src/store/notification-claims-repo.js';
import { blockText, dmButtonClick, startSlackHarness, TEAM, userPayload, USERS, type SlackHarness } from '../helpers/slack-harness.js';
import { newTriggerId, newTs } from '../helpers/slack-requests.js';
import { deletePrefix, REDIS_URL, uniquePrefix, waitForIdle } from '../jobs/helpers.js';
import { waitFor } from '../helpers/wait.js';

const WEEK = '2026-11-16';
// Friday 20 Nov 2026, 14:00 London (GMT): the reminder.
const FRIDAY_2PM = new Date('2026-11-20T14:00:00Z');
const MONDAY_10AM = new Date('2026-11-23T10:00:00Z');
const MONDAY_4PM = new Date('2026-11-23T16:00:00Z');

let h: SlackHarness;
let prefix: string;
let clock = new Date('2026-11-20T14:05:00Z');
/** What a lead sees, trimmed, for the record (written when WEEKLY_PAYLOADS names a file). */
const seen: Record<string, unknown> = {};

const dm = (user: string) => `D${user.replace(/^U/, '')}`;
const posts = (channel: string) => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
const updates = (channel: string) => h.fake.callsTo('chat.update').filter((c) => c.args.channel === channel);
const trim = (args: any) => ({ text: args.text, blocks: args.blocks ?? args.view?.blocks, ...(args.view ? { submit: args.view.submit?.text } : {}) });

async function click(user: string, button: any, message: { ts: string; channel: string }) {
  const triggerId = newTriggerId();
  const res = await h.interaction(dmButtonClick({ user, button, message, triggerId }));
  expect(res.status).toBe(200);
  return triggerId;
}

async function claimOf(kind: 'reminder' | 'nudge', _user: string, who: 'lead' | 'multiLead') {
  const email = who === 'lead' ? 'sam.okafor@example.org' : 'priya.shah@example.org';
  const person = (await h.server.context.directory.findPersonByEmail(email))!;
  return (await new NotificationClaimsRepo(h.testStore.store.db).get({ kind, recipient: `person:${person.id}`, period: WEEK }))!;
}

function buttons(blocks: any[]): any[] {
  return blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
}

beforeAll(async () => {
  prefix = uniquePrefix();
  h = await startSlackHarness('postgres', { JOBS_IN_PROCESS: 'true', REDIS_URL, QUEUE_PREFIX: prefix }, undefined, {}, () => clock);
  await waitFor(() => h.server.jobs?.redisStatus() === 'up', { what: 'redis up', timeout: 15_000 });
});

afterAll(async () => {
  if (process.env.WEEKLY_PAYLOADS) writeFileSync(process.env.WEEKLY_PAYLOADS, JSON.stringify(seen, null, 2));
  await h?.close();
  if (prefix) await deletePrefix(prefix);
});

describe('a week of returns, as the leads live it', () => {
  it('Friday 14:00: one valid reminder per lead; a lead of two centres gets one message with a button pair per centre', async () => {
    await h.server.jobs!.runNow('reminder', FRIDAY_2PM);
    await waitForIdle(h.server.jobs!.queues);
    const sam = posts(dm(USERS.lead));
    const priya = posts(dm(USERS.multiLead));
    expect(sam).toHaveLength(1);
    expect(priya).toHaveLength(1);
    seen.reminder = trim(sam[0]!.args);
    seen.reminderTwoCentres = trim(priya[0]!.args);
    expect(blockText(sam[0]!.args.blocks)).toContain('Hi Sam, the attendance return for Acland Burghley Opportunity Centre for the week of 16 Nov 2026 is not in yet.');
    expect(blockText(sam[0]!.args.blocks)).toContain('Without a week it counts for the week of 16 Nov 2026 until Friday 27 Nov, 14:00.');
    expect(buttons(priya[0]!.args.blocks).map((b) => b.action_id)).toEqual(['open_attendance_form', 'mark_week_closed', 'open_attendance_form:2', 'mark_week_closed:2']);
    expect(h.fake.refused).toEqual([]);
  });

  it('Friday afternoon: the quick form typed without a week stores the reminder\'s week, and the reminder says it was received', async () => {
    const { responseId } = await h.command('/attendance', 'sessions 6 academic 4 enrichment 2 weekend 1 attendances 120 pupils 45 fsm 30 send 8 parents 3 note "Rain all week"', USERS.lead);
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    expect(blockText(h.responses(responseId)[0].blocks)).toContain('Return received for Acland Burghley Opportunity Centre, week of 16 Nov 2026.');
    expect((await h.server.context.attendance.get('acland-burghley', WEEK))?.version).toBe(1);
    await h.server.reminderReceipts.idle();
    const updated = updates(dm(USERS.lead));
    expect(updated).toHaveLength(1);
    // The very message the reminder was (its ts, recorded with the reminder's claim), in the same DM.
    expect(updated[0]!.args.ts).toBe((await claimOf('reminder', USERS.lead, 'lead')).messageId);
    seen.updatedReminder = trim(updated[0]!.args);
    const text = blockText(updated[0]!.args.blocks);
    expect(text).toContain('Attendance return received');
    expect(text).toContain('Acland Burghley Opportunity Centre: return received for the week of 16 Nov 2026 (6 sessions, 120 attendances). Thank you.');
    expect(text).not.toContain('not in yet');
    // No submit or "no sessions" button any more: one that opens the return filled in to change it, no date to type.
    expect(buttons(updated[0]!.args.blocks).map((b) => [b.text.text, JSON.parse(b.value)])).toEqual([['Change the return', { centreId: 'acland-burghley', week: WEEK }]]);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('the reminder\'s button opens the form on its centre and week; after a modal submission a receipt stays in the DM and the reminder ticks that centre off', async () => {
    const reminder = posts(dm(USERS.multiLead))[0]!;
    const submit = buttons(reminder.args.blocks)[0];
    const triggerId = await click(USERS.multiLead, submit, { ts: '1700000000.000200', channel: dm(USERS.multiLead) });
    await h.fake.waitFor(() => h.fake.callsTo('views.open').some((c) => c.args.trigger_id === triggerId));
    const view = h.fake.callsTo('views.open').find((c) => c.args.trigger_id === triggerId)!.args.view;
    seen.form = trim({ view });
    expect(blockText(view.blocks)).toContain('No return yet for Camden Career Club at the Euston Skills Centre, week of 16 Nov 2026.');
    const values: Record<string, Record<string, unknown>> = {};
    const typed: Record<string, string> = { sessions: '4', academic: '2', enrichment: '2', attendances: '50', pupils: '20', fsm: '9', send: '3' };
    for (const b of view.blocks as any[]) {
      if (b.type !== 'input') continue;
      const e = b.element;
      if (e.type === 'static_select') values[b.block_id] = { value: { type: e.type, selected_option: e.initial_option } };
      else if (e.type === 'datepicker') values[b.block_id] = { value: { type: e.type, selected_date: e.initial_date } };
      else values[b.block_id] = { value: { type: e.type, value: typed[b.block_id] ?? null } };
    }
    const res = await h.interaction({
      type: 'view_submission',
      team: { id: TEAM, domain: 'camden' },
      user: userPayload(USERS.multiLead),
      api_app_id: 'A0CAMDEN01',
      token: 'legacy',
      trigger_id: newTriggerId(),
      view: { ...view, id: 'V0WEEKLY01', team_id: TEAM, hash: 'h', state: { values } },
      response_urls: [],
      is_enterprise_install: false,
    });
    expect(res.json.response_action).toBe('update');
    await h.fake.waitFor(() => posts(dm(USERS.multiLead)).length === 2);
    const receipt = posts(dm(USERS.multiLead))[1]!;
    seen.receipt = trim(receipt.args);
    expect(blockText(receipt.args.blocks)).toContain('Return received: Camden Career Club at the Euston Skills Centre, week of 16 Nov 2026: 4 sessions, 50 attendances, 20 pupils. Thank you.');
    await h.server.reminderReceipts.idle();
    const updated = updates(dm(USERS.multiLead)).at(-1)!;
    const text = blockText(updated.args.blocks);
    expect(text).toContain('Camden Career Club at the Euston Skills Centre: return received for the week of 16 Nov 2026');
    expect(text).toContain('the attendance return for London AI Campus for the week of 16 Nov 2026 is not in yet');
    expect(buttons(updated.args.blocks).map((b) => b.text.text)).toEqual(['Submit for London AI Campus', 'No sessions at London AI Campus']);
    expect(h.fake.refused).toEqual([]);
  });

  it('"No sessions this week" marks the week closed: a return of zeros with a flag, and the reminder says so', async () => {
    const updated = updates(dm(USERS.multiLead)).at(-1)!;
    const closedButton = buttons(updated.args.blocks).find((b) => b.action_id.startsWith('mark_week_closed'));
    await click(USERS.multiLead, closedButton, { ts: updated.args.ts, channel: dm(USERS.multiLead) });
    await h.fake.waitFor(() => posts(dm(USERS.multiLead)).length === 3);
    expect(blockText(posts(dm(USERS.multiLead))[2]!.args.blocks)).toContain('Received: London AI Campus, week of 16 Nov 2026, marked closed (no sessions).');
    const stored = (await h.server.context.attendance.get('london-ai-campus', WEEK))!;
    expect(stored.closed).toBe(true);
    expect(FIGURE_FIELDS.every((f) => stored.figures[f] === 0)).toBe(true);
    await h.server.reminderReceipts.idle();
    const final = updates(dm(USERS.multiLead)).at(-1)!;
    expect(blockText(final.args.blocks)).toContain('London AI Campus: marked closed for the week of 16 Nov 2026 (no sessions).');
    const change = buttons(final.args.blocks);
    expect(change.map((b) => b.text.text)).toEqual(['Change Camden Career Club at the Euston Skills Centre', 'Change London AI Campus']);
    // The closed week's button opens its form, filled in as it is (every figure 0).
    const triggerId = await click(USERS.multiLead, change[1], { ts: final.args.ts, channel: dm(USERS.multiLead) });
    await h.fake.waitFor(() => h.fake.callsTo('views.open').some((c) => c.args.trigger_id === triggerId));
    const view = h.fake.callsTo('views.open').find((c) => c.args.trigger_id === triggerId)!.args.view;
    expect(blockText(view.blocks)).toContain('Amending version 1 of the return for London AI Campus, week of 16 Nov 2026');
    expect(h.fake.refused).toEqual([]);
  });

  it('an amendment of one figure keeps the rest and the note; the reminder shows the new version', async () => {
    const { responseId } = await h.command('/attendance', 'pupils 50', USERS.lead);
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    expect(blockText(h.responses(responseId)[0].blocks)).toContain('Changed:\nUnique pupils: 45 → 50');
    const r = (await h.server.context.attendance.get('acland-burghley', WEEK))!;
    expect(r).toMatchObject({ version: 2, note: 'Rain all week' });
    expect(r.figures).toMatchObject({ sessions: 6, attendances: 120, pupils: 50, fsm: 30, send: 8, parents: 3, weekend: 1 });
    await h.server.reminderReceipts.idle();
    expect(blockText(updates(dm(USERS.lead)).at(-1)!.args.blocks)).toContain('(6 sessions, 120 attendances, version 2)');
    // /attendance now opens the form filled in with version 2, ready to amend.
    const { triggerId } = await h.command('/attendance', '', USERS.lead);
    await h.fake.waitFor(() => h.fake.callsTo('views.open').some((c) => c.args.trigger_id === triggerId));
    const view = h.fake.callsTo('views.open').find((c) => c.args.trigger_id === triggerId)!.args.view;
    seen.prefilledForm = trim({ view });
    expect(blockText(view.blocks)).toContain('Amending version 2 of the return for Acland Burghley Opportunity Centre, week of 16 Nov 2026 (last sent by Sam Okafor).');
    expect(view.submit.text).toBe('Amend');
    expect(view.blocks.find((b: any) => String(b.block_id).startsWith('pupils')).element.initial_value).toBe('50');
    expect(view.blocks.find((b: any) => String(b.block_id).startsWith('note')).element.initial_value).toBe('Rain all week');
  });

  it('Monday 10:00: no nudge for a week whose returns are in (or marked closed)', async () => {
    clock = new Date('2026-11-23T10:05:00Z');
    const before = h.fake.callsTo('chat.postMessage').length;
    await h.server.jobs!.runNow('nudge', MONDAY_10AM);
    await waitForIdle(h.server.jobs!.queues);
    expect(h.fake.callsTo('chat.postMessage').length).toBe(before);
  });

  it('Monday 16:00: the channel digest counts unanswered questions by topic and lists no text; the network lead\'s DM lists them; the chart is in the channel post\'s thread', async () => {
    // A teacher asks something the documents do not answer, naming a pupil.
    clock = new Date('2026-11-20T16:00:00Z');
    const ts = newTs();
    await h.event({ type: 'message', channel_type: 'im', channel: 'D0STAFF01', user: USERS.staff, text: 'Can Amira Khan in 9B get SEND transport to the Euston centre next term?', ts, team: TEAM });
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts), 60_000);
    clock = new Date('2026-11-23T16:05:00Z');
    await h.server.jobs!.runNow('digest', MONDAY_4PM);
    await waitForIdle(h.server.jobs!.queues);
    const channel = posts('C0DIGEST1');
    expect(channel).toHaveLength(1);
    const channelText = JSON.stringify(channel[0]!.args);
    expect(channelText).not.toContain('Amira');
    expect(blockText(channel[0]!.args.blocks)).toMatch(/Questions the bot could not answer this week: 1 question \(SEND 1\)\. Network leads see the questions in their own digest\./);
    expect(blockText(channel[0]!.args.blocks)).toContain("the chart is in this message's thread");
    const upload = h.fake.callsTo('files.completeUploadExternal').find((c) => c.args.channel_id === 'C0DIGEST1')!;
    const posted = await new NotificationClaimsRepo(h.testStore.store.db).get({ kind: 'digest', recipient: 'slack-channel:C0DIGEST1', period: WEEK });
    expect(upload.args.thread_ts).toBe(posted!.messageId);
    const nia = posts(dm(USERS.network)).at(-1)!;
    expect(blockText(nia.args.blocks)).toContain('Can Amira Khan in 9B get SEND transport to the Euston centre next term?');
    expect(blockText(nia.args.blocks)).toContain('London AI Campus');
    expect(blockText(nia.args.blocks)).toMatch(/Closed this week \(no sessions, marked by the centre\): London AI Campus\./);
    seen.channelDigest = trim(channel[0]!.args);
    expect(h.fake.refused).toEqual([]);
  });
});
