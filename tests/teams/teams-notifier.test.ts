import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotifierError } from '../../src/bot/notifier.js';
import type { Person } from '../../src/directory/types.js';
import type { Reply } from '../../src/shared/reply.js';
import { activity, LEAD, LEAD_PERSON, startTeamsHarness, type TeamsHarness } from '../helpers/teams-harness.js';

let h: TeamsHarness;
let lead: Person;
const reminder: Reply = {
  text: 'Reminder: the attendance return for Acland Burghley is due.',
  blocks: [
    { kind: 'paragraph', text: 'Reminder: the attendance return for Acland Burghley is due.' },
    { kind: 'actions', actions: [{ id: 'open_attendance_form', label: 'Submit a return', value: 'reminder', style: 'primary' }] },
  ],
};

beforeAll(async () => {
  h = await startTeamsHarness();
  // The lead talks to the bot once; that stores the reference proactive messages use.
  await h.post(activity(h.connector.serviceUrl, { from: LEAD, text: 'help' }));
  await h.connector.waitFor(() => h.connector.messages().length >= 1, 'help reply');
  const reference = h.directory.references.get(`${LEAD.tenantId}:${LEAD.aadObjectId}`)!;
  lead = { ...LEAD_PERSON, teams: { ...LEAD_PERSON.teams!, conversationReference: reference, reachable: true } };
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.connector.reset());

const personal = `a:personal-${LEAD.aadObjectId}`;

describe('Teams notifier', () => {
  it('sends a proactive message as a new message in the stored personal chat', async () => {
    expect(h.teams.notifier.canReach(lead)).toBe(true);
    const sent = await h.teams.notifier.sendDirect(lead, reminder);
    const [call] = h.connector.messages(personal);
    expect(call!.kind).toBe('send');
    expect(sent.messageId).toBe(call!.id);
    const card = call!.body.attachments[0].content;
    expect(card.actions[0]).toMatchObject({ type: 'Action.Submit', data: { verb: 'open_attendance_form' } });
  });

  it('updates a message it sent in place (updateActivity in the personal chat)', async () => {
    const sent = await h.teams.notifier.sendDirect(lead, reminder);
    expect(sent.conversationId).toBe(personal);
    const received: Reply = { text: 'Attendance return received', blocks: [{ kind: 'notice', tone: 'success', text: 'Received, thank you.' }] };
    await h.teams.notifier.updateDirect!(lead, { messageId: sent.messageId!, conversationId: sent.conversationId }, received);
    const update = h.connector.calls.find((c) => c.kind === 'update')!;
    expect(update).toMatchObject({ conversationId: personal, activityId: sent.messageId });
    expect(JSON.stringify(update.body)).toContain('Received, thank you.');
    expect(h.connector.messages(personal).filter((c) => c.kind === 'send')).toHaveLength(1);
  });

  it('the reminder button opens the attendance form', async () => {
    await h.teams.notifier.sendDirect(lead, reminder);
    const card = h.connector.messages(personal)[0]!.body.attachments[0].content;
    await h.post(activity(h.connector.serviceUrl, { from: LEAD, value: card.actions[0].data, replyToId: h.connector.messages(personal)[0]!.id! }));
    await h.connector.waitFor(() => h.connector.messages(personal).length >= 2, 'the form');
    expect(JSON.stringify(h.connector.messages(personal)[1]!.body)).toContain('attendance_submit');
  });

  it('refuses people without a stored reference, without calling Teams', async () => {
    const stranger: Person = { ...LEAD_PERSON, id: 99, teams: { aadObjectId: 'x', tenantId: 'y' } };
    expect(h.teams.notifier.canReach(stranger)).toBe(false);
    await expect(h.teams.notifier.sendDirect(stranger, reminder)).rejects.toMatchObject({ code: 'permanent' });
    expect(h.connector.calls).toHaveLength(0);
  });

  it('403 (bot removed or blocked): marks the identity unreachable and fails permanently without retrying', async () => {
    h.connector.failNext(1, { status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } } }, personal);
    const err = await h.teams.notifier.sendDirect(lead, reminder).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifierError);
    expect((err as NotifierError).code).toBe('permanent');
    expect(h.connector.calls).toHaveLength(1);
    expect(h.directory.unreachable.has(`${LEAD.tenantId}:${LEAD.aadObjectId}`)).toBe(true);
    expect(h.teams.notifier.canReach({ ...lead, teams: { ...lead.teams!, reachable: false } })).toBe(false);
    h.directory.unreachable.clear();
  });

  it('429: waits for Retry-After and delivers', async () => {
    h.connector.failNext(2, { status: 429, headers: { 'retry-after': '0' } }, personal);
    await h.teams.notifier.sendDirect(lead, reminder);
    expect(h.connector.calls.map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('429 that persists: bounded attempts, then rate_limited with the wait', async () => {
    h.connector.failAlways(personal, { status: 429, headers: { 'retry-after': '1' } });
    const err = (await h.teams.notifier.sendDirect(lead, reminder).catch((e: unknown) => e)) as NotifierError;
    h.connector.failAlways(personal, null);
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(1000);
    expect(h.connector.calls).toHaveLength(3);
  });

  it('a Retry-After longer than the notifier will wait goes straight back to the caller', async () => {
    h.connector.failNext(1, { status: 429, headers: { 'retry-after': '600' } }, personal);
    const err = (await h.teams.notifier.sendDirect(lead, reminder).catch((e: unknown) => e)) as NotifierError;
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(600_000);
    expect(h.connector.calls).toHaveLength(1);
  });

  it('5xx: backs off, then transient', async () => {
    h.connector.failNext(1, { status: 502 }, personal);
    await h.teams.notifier.sendDirect(lead, reminder);
    expect(h.connector.calls.map((c) => c.status)).toEqual([502, 200]);

    h.connector.reset();
    h.connector.failAlways(personal, { status: 503 });
    const err = (await h.teams.notifier.sendDirect(lead, reminder).catch((e: unknown) => e)) as NotifierError;
    h.connector.failAlways(personal, null);
    expect(err.code).toBe('transient');
    expect(h.connector.calls).toHaveLength(3);
  });

  it('a connection cut after the request went out: unknown at once (it may have been delivered), never resent', async () => {
    h.connector.failNext(1, { status: 0, reset: true }, personal);
    const err = (await h.teams.notifier.sendDirect(lead, reminder).catch((e: unknown) => e)) as NotifierError;
    expect(err).toBeInstanceOf(NotifierError);
    expect(err.code).toBe('unknown');
    expect(h.connector.calls.filter((c) => c.conversationId === personal)).toHaveLength(1);
  });

  it('posts to a digest channel as a new conversation post', async () => {
    const channel = '19:digest@thread.tacv2';
    const res = await h.teams.notifier.postToChannel(channel, {
      text: 'Weekly digest',
      blocks: [
        { kind: 'heading', text: 'Weekly digest' },
        { kind: 'table', columns: ['Centre', 'Sessions'], rows: [['Acland Burghley', '6']] },
      ],
    });
    const [call] = h.connector.messages(channel);
    expect(call!.kind).toBe('send');
    expect(res.messageId).toBe(call!.id);
    const facts = call!.body.attachments[0].content.body.find((e: any) => e.type === 'FactSet');
    expect(facts.facts).toEqual([{ title: 'Acland Burghley', value: '6' }]);
  });
});
