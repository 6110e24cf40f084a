import { waitFor } from '../helpers/wait.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedbackCounts } from '../../src/store/bot-answers-repo.js';
import { newTs, newTriggerId } from '../helpers/slack-requests.js';
import { blockText, buttonValue, ephemeralButtonClick, startSlackHarness, TEAM, userPayload, USERS, type SlackHarness } from '../helpers/slack-harness.js';

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness('postgres');
});

afterAll(async () => {
  await h?.close();
});

describe('request signatures (Bolt verifies HMAC v0)', () => {
  it('accepts a correctly signed request', async () => {
    const { status, responseId } = await h.command('/ask', 'What is Camden Career Club?', USERS.staff);
    expect(status).toBe(200);
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
  });

  it.each([
    ['forged', { signature: 'v0=' + 'a'.repeat(64) }],
    ['stale (over 5 minutes old)', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
    ['missing', { signature: null }],
    ['signed with another secret', { secret: 'not-the-secret' }],
  ])('rejects a %s signature with 401 and does nothing', async (_name, opts) => {
    const before = h.fake.calls.length;
    const { status, responseId } = await h.command('/ask', 'What is AI Connect?', USERS.staff, opts as never);
    // Bolt answers 401 before any listener runs: the response itself is the proof nothing was handled.
    expect(status).toBe(401);
    expect(h.responses(responseId)).toHaveLength(0);
    expect(h.fake.calls.length).toBe(before);
  });
});

describe('/ask', () => {
  it('answers ephemerally with numbered sources, feedback and share buttons, links unfurled off', async () => {
    const { responseId } = await h.command('/ask', 'Which Opportunity Centre was set up with Google?', USERS.staff);
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    const msg = h.responses(responseId)[0];
    expect(msg.response_type).toBe('ephemeral');
    expect(msg.unfurl_links).toBe(false);
    expect(msg.unfurl_media).toBe(false);
    const text = blockText(msg.blocks);
    expect(text).toContain('London AI Campus');
    expect(text).toMatch(/\*\[1\]\*/);
    expect(buttonValue(msg.blocks, 'feedback_helpful')).toMatch(/^[0-9a-f-]{36}$/);
    expect(buttonValue(msg.blocks, 'feedback_not_helpful')).toBe(buttonValue(msg.blocks, 'feedback_helpful'));
    expect(buttonValue(msg.blocks, 'share_answer')).toBe(buttonValue(msg.blocks, 'feedback_helpful'));
  });

  it('says plainly when the documents do not cover the question', async () => {
    const { responseId } = await h.command('/ask', "What's the best pizza place in Camden Town?", USERS.staff);
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    const msg = h.responses(responseId)[0];
    // What the knowledge base says: why it declines and what the documents do cover.
    expect(blockText(msg.blocks)).toMatch(/do not cover that[\s\S]*They cover: /);
    // A private answer restates the question in one line.
    expect(blockText(msg.blocks)).toContain("You asked: What's the best pizza place in Camden Town?");
    expect(buttonValue(msg.blocks, 'share_answer')).toBeUndefined();
  });

  it('stores Helpful / Not helpful: one vote per person per answer, changeable', async () => {
    const { responseId } = await h.command('/ask', 'What is the Camden School Report?', USERS.staff);
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    const answerId = buttonValue(h.responses(responseId)[0].blocks, 'feedback_helpful')!;
    const click = async (actionId: string, user: string) => {
      const rid = `fb${Math.random().toString(36).slice(2)}`;
      const res = await h.interaction(ephemeralButtonClick({ user, actionId, value: answerId, channel: 'C0GENERAL1', responseUrl: `${h.fake.responseUrlBase}/${rid}` }));
      expect(res.status).toBe(200);
      await h.fake.waitFor(() => h.responses(rid).length > 0);
      return blockText(h.responses(rid)[0].blocks);
    };
    expect(await click('feedback_helpful', USERS.staff)).toContain('recorded as helpful');
    expect(await click('feedback_helpful', USERS.staff)).toContain('recorded as helpful');
    expect(await feedbackCounts(h.testStore.store.db, answerId)).toEqual({ helpful: 1, notHelpful: 0 });
    expect(await click('feedback_not_helpful', USERS.staff)).toContain('changed to not helpful');
    expect(await click('feedback_helpful', USERS.lead)).toContain('recorded as helpful');
    expect(await feedbackCounts(h.testStore.store.db, answerId)).toEqual({ helpful: 1, notHelpful: 1 });
  });

  it('"Share in channel" re-posts the stored answer in the channel, once', async () => {
    const { responseId } = await h.command('/ask', 'What is AI Connect?', USERS.staff, { channel: 'C0SHARE01' });
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    const original = h.responses(responseId)[0];
    const answerId = buttonValue(original.blocks, 'share_answer')!;
    const payload = ephemeralButtonClick({ user: USERS.staff, actionId: 'share_answer', value: answerId, channel: 'C0SHARE01', channelName: 'pathways', label: 'Share', responseUrl: `${h.fake.responseUrlBase}/share1` });
    await h.interaction(payload);
    await h.interaction({ ...payload, trigger_id: newTriggerId() });
    // Both clicks are answered (the second says it is shared already, and may be answered first).
    await h.fake.waitFor(() => h.responses('share1').length >= 2);
    expect(h.responses('share1').map((r) => blockText(r.blocks)).join('\n')).toMatch(/already shared/);
    const posts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0SHARE01');
    expect(posts).toHaveLength(1);
    expect(String(posts[0]!.args.unfurl_links)).toBe('false');
    expect(String(posts[0]!.args.unfurl_media)).toBe('false');
    expect(blockText(posts[0]!.args.blocks)).toContain('Shared by');
    // Same stored answer text as the ephemeral one.
    const answerPara = (original.blocks as any[]).find((b) => b.type === 'section' && !b.text.text.startsWith('You asked:'))?.text.text;
    expect(blockText(posts[0]!.args.blocks)).toContain(answerPara);
  });
});

describe('messages and mentions', () => {
  it('answers a direct message, with :eyes: while working', async () => {
    const ts = newTs();
    await h.event({ type: 'message', channel_type: 'im', channel: 'D0LEAD001', user: USERS.lead, text: 'What is AI Connect?', ts, team: TEAM });
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts));
    const add = h.fake.callsTo('reactions.add').find((c) => c.args.timestamp === ts);
    expect(add?.args.name).toBe('eyes');
    const posts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0LEAD001');
    expect(posts).toHaveLength(1);
    expect(blockText(posts[0]!.args.blocks)).toContain('AI Connect');
    expect(String(posts[0]!.args.unfurl_links)).toBe('false');
    const order = h.fake.calls.map((c) => `${c.method}:${c.args.timestamp ?? c.args.channel}`);
    expect(order.indexOf(`reactions.add:${ts}`)).toBeLessThan(order.indexOf('chat.postMessage:D0LEAD001'));
  });

  it('"help" in a DM lists what the bot can do for this person', async () => {
    const ts = newTs();
    await h.event({ type: 'message', channel_type: 'im', channel: 'D0HELP001', user: USERS.lead, text: 'help', ts, team: TEAM });
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts));
    const text = blockText(h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'D0HELP001')!.args.blocks);
    expect(text).toContain('/attendance status');
    expect(text).not.toContain('admin register');
  });

  it('ignores its own messages, other bots, edits, joins and other subtypes', async () => {
    const before = h.fake.calls.length;
    const seen = await h.metric('camden_platform_requests_total', { platform: 'slack', kind: 'message' });
    const base = { type: 'message', channel_type: 'im', channel: 'D0IGNORE1', team: TEAM };
    await h.event({ ...base, user: 'U0BOT0001', bot_id: 'B0BOT0001', text: 'my own answer', ts: newTs() });
    await h.event({ ...base, user: 'U0OTHERBOT', bot_id: 'B0OTHER01', subtype: 'bot_message', text: 'beep', ts: newTs() });
    await h.event({ ...base, subtype: 'message_changed', message: { text: 'edited', user: USERS.lead }, ts: newTs() });
    await h.event({ ...base, subtype: 'channel_join', user: USERS.lead, text: 'joined', ts: newTs() });
    await h.event({ type: 'message', channel_type: 'channel', channel: 'C0GENERAL1', user: USERS.lead, text: 'chat among humans', ts: newTs() });
    // The bot's own message (sent first) is dropped by Bolt before any listener; the listener counts each of the
    // other four, then decides at once (no await) whether to ignore it: once the four are counted, all is decided.
    await waitFor(async () => (await h.metric('camden_platform_requests_total', { platform: 'slack', kind: 'message' })) >= seen + 4, { what: 'four messages seen by the listener' });
    expect(h.fake.calls.slice(before).filter((c) => c.method !== 'auth.test').map((c) => [c.method, c.args.channel])).toEqual([]);
  });

  it('answers an @mention in the thread; a follow-up in that thread uses the first question as context', async () => {
    const root = newTs();
    await h.event({ type: 'app_mention', channel: 'C0THREAD1', user: USERS.lead, text: '<@U0BOT0001> What is the Camden School Report?', ts: root, team: TEAM });
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0THREAD1'));
    const first = h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0THREAD1')!;
    expect(first.args.thread_ts).toBe(root);
    const followTs = newTs();
    await h.event({ type: 'app_mention', channel: 'C0THREAD1', user: USERS.lead, text: '<@U0BOT0001> who is it for?', ts: followTs, thread_ts: root, team: TEAM });
    await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0THREAD1').length === 2);
    const second = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0THREAD1')[1]!;
    expect(second.args.thread_ts).toBe(root);
    const call = h.answerer.calls.find((c) => c.question === 'who is it for?');
    expect(call?.options?.context).toBe('What is the Camden School Report?');
    const firstCall = h.answerer.calls.find((c) => c.question === 'What is the Camden School Report?' && c.options === undefined);
    expect(firstCall).toBeDefined();
  });

  it('a retried event (X-Slack-Retry-Num, same event_id) produces one answer', async () => {
    const ts = newTs();
    const event = { type: 'app_mention', channel: 'C0RETRY01', user: USERS.staff, text: '<@U0BOT0001> What is AI Connect?', ts, team: TEAM };
    const duplicates = await h.metric('camden_deliveries_total', { platform: 'slack', outcome: 'duplicate' });
    const { eventId } = await h.event(event);
    const retry1 = await h.event(event, { eventId, retryNum: 1 });
    const retry2 = await h.event(event, { eventId, retryNum: 2 });
    expect(retry1.status).toBe(200);
    expect(retry2.status).toBe(200);
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts));
    // Both retries were recognised as duplicates (camden_deliveries_total), so neither will answer later.
    await waitFor(async () => (await h.metric('camden_deliveries_total', { platform: 'slack', outcome: 'duplicate' })) >= duplicates + 2, { what: 'two duplicates ignored' });
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0RETRY01')).toHaveLength(1);
  });

  it('an @mention edited after it was answered is not answered again', async () => {
    const ts = newTs();
    const event = { type: 'app_mention', channel: 'C0EDITED1', user: USERS.staff, text: '<@U0BOT0001> What is AI Connect?', ts, team: TEAM };
    await h.event(event);
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts));
    // Slack sends the edit as a new app_mention (new event_id) carrying `edited`; the listener counts it and drops it
    // at once (no await between), so once counted it is decided.
    const mentions = await h.metric('camden_platform_requests_total', { platform: 'slack', kind: 'event_app_mention' });
    await h.event({ ...event, text: '<@U0BOT0001> What is AI Connect? (typo fixed)', edited: { user: USERS.staff, ts: newTs() } });
    await waitFor(async () => (await h.metric('camden_platform_requests_total', { platform: 'slack', kind: 'event_app_mention' })) > mentions, { what: 'the edit seen by the listener' });
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0EDITED1')).toHaveLength(1);
  });

  it('reads &, < and > as typed (Slack sends them as HTML entities)', async () => {
    const ts = newTs();
    await h.event({ type: 'message', channel_type: 'im', channel: 'D0ENTITY1', user: USERS.staff, text: 'What is SEND &amp; EHCP support for pupils &lt;16 &gt; 11?', ts, team: TEAM });
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts));
    expect(h.answerer.calls.some((c) => c.question === 'What is SEND & EHCP support for pupils <16 > 11?')).toBe(true);
  });

  it('a 429 on posting is waited out (Retry-After) and the answer is posted once', async () => {
    h.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    const ts = newTs();
    await h.event({ type: 'message', channel_type: 'im', channel: 'D0RATE001', user: USERS.staff, text: 'What is AI Connect?', ts, team: TEAM });
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts), 20_000);
    const attempts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0RATE001');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('a 500 on posting is not retried blindly (it may have been delivered)', async () => {
    h.fake.failNext('chat.postMessage', { kind: 'http', status: 500 });
    const ts = newTs();
    await h.event({ type: 'message', channel_type: 'im', channel: 'D0FAIL001', user: USERS.staff, text: 'What is AI Connect?', ts, team: TEAM });
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts));
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0FAIL001')).toHaveLength(1);
  });
});

describe('App Home', () => {
  it('publishes a view by role: a lead sees their returns and the form button; a network lead the digest', async () => {
    await h.event({ type: 'app_home_opened', user: USERS.lead, channel: 'D0LEAD001', tab: 'home', event_ts: newTs() });
    await h.event({ type: 'app_home_opened', user: USERS.network, channel: 'D0NET0001', tab: 'home', event_ts: newTs() });
    await h.event({ type: 'app_home_opened', user: USERS.staff, channel: 'D0STAFF01', tab: 'home', event_ts: newTs() });
    await h.fake.waitFor(() => h.fake.callsTo('views.publish').length >= 3);
    const viewFor = (u: string) => h.fake.callsTo('views.publish').find((c) => c.args.user_id === u)!.args.view;
    const lead = viewFor(USERS.lead);
    expect(lead.type).toBe('home');
    expect(blockText(lead.blocks)).toContain('Acland Burghley');
    expect(buttonValue(lead.blocks, 'open_attendance_form')).toBeDefined();
    expect(blockText(lead.blocks)).not.toContain('/digest');
    const network = viewFor(USERS.network);
    expect(blockText(network.blocks)).toContain('/digest');
    expect(buttonValue(network.blocks, 'open_attendance_form')).toBeUndefined();
    const staff = viewFor(USERS.staff);
    expect(blockText(staff.blocks)).toContain('/ask');
    expect(blockText(staff.blocks)).not.toContain('/attendance');
  });
});

describe('sharing problems stay with the sharer', () => {
  const sharePayload = (answerId: string, channel: string, rid: string, user: string = USERS.staff) =>
    ephemeralButtonClick({ user, actionId: 'share_answer', value: answerId, channel, channelName: 'x', label: 'Share', responseUrl: `${h.fake.responseUrlBase}/${rid}` });

  it('an unknown answer is not posted to the channel', async () => {
    await h.interaction(sharePayload('00000000-0000-0000-0000-000000000000', 'C0NOPOST1', 'gone1'));
    await h.fake.waitFor(() => h.responses('gone1').length > 0);
    expect(blockText(h.responses('gone1')[0].blocks)).toMatch(/no longer available/);
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0NOPOST1')).toHaveLength(0);
  });

  it("only the asker may share a private answer; an answer already public in a channel may be shared there by anyone", async () => {
    const { responseId } = await h.command('/ask', 'What is AI Connect?', USERS.staff, { channel: 'C0PRIV001' });
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    const answerId = buttonValue(h.responses(responseId)[0].blocks, 'share_answer')!;
    // Someone else (a forged click, or a leaked answer id) cannot post the asker's private answer anywhere.
    await h.interaction(sharePayload(answerId, 'C0PRIV001', 'priv1', USERS.lead));
    await h.fake.waitFor(() => h.responses('priv1').length > 0);
    expect(blockText(h.responses('priv1')[0].blocks)).toMatch(/only share answers to questions you asked/);
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0PRIV001')).toHaveLength(0);
    // The asker can; once it is public in that channel, anyone there may share it again (it is already there).
    await h.interaction(sharePayload(answerId, 'C0PRIV001', 'priv2'));
    await h.fake.waitFor(() => h.responses('priv2').length > 0);
    expect(blockText(h.responses('priv2')[0].blocks)).toMatch(/Shared in the channel/);
    await h.interaction(sharePayload(answerId, 'C0PRIV002', 'priv3', USERS.lead));
    await h.fake.waitFor(() => h.responses('priv3').length > 0);
    expect(blockText(h.responses('priv3')[0].blocks)).toMatch(/only share answers to questions you asked/);
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0PRIV002')).toHaveLength(0);

    // A mention's answer is public in its channel: anyone in that channel may share it there, not elsewhere.
    const ts = newTs();
    await h.event({ type: 'app_mention', channel: 'C0PUBLIC1', user: USERS.network, text: '<@U0BOT> What is AI Connect?', ts, team: TEAM });
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0PUBLIC1' && c.args.thread_ts === ts));
    const posted = h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0PUBLIC1' && c.args.thread_ts === ts)!;
    const publicId = buttonValue(posted.args.blocks, 'feedback_helpful')!;
    await h.interaction(sharePayload(publicId, 'C0PUBLIC1', 'pub1', USERS.lead));
    await h.fake.waitFor(() => h.responses('pub1').length > 0);
    expect(blockText(h.responses('pub1')[0].blocks)).toMatch(/Shared in the channel/);
    await h.interaction(sharePayload(publicId, 'C0PUBLIC2', 'pub2', USERS.lead));
    await h.fake.waitFor(() => h.responses('pub2').length > 0);
    expect(blockText(h.responses('pub2')[0].blocks)).toMatch(/only share answers to questions you asked/);
  });

  it('when the bot is not in the channel, the sharer is told how to fix it and can share again', async () => {
    const { responseId } = await h.command('/ask', 'What is AI Connect?', USERS.staff, { channel: 'C0NOTIN01' });
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    const answerId = buttonValue(h.responses(responseId)[0].blocks, 'share_answer')!;
    h.fake.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    await h.interaction(sharePayload(answerId, 'C0NOTIN01', 'notin1'));
    await h.fake.waitFor(() => h.responses('notin1').length > 0);
    expect(blockText(h.responses('notin1')[0].blocks)).toMatch(/Invite me first/);
    await h.interaction(sharePayload(answerId, 'C0NOTIN01', 'notin2'));
    await h.fake.waitFor(() => h.responses('notin2').length > 0);
    expect(blockText(h.responses('notin2')[0].blocks)).toMatch(/Shared in the channel/);
  });

  it('when Slack does not confirm the post, the sharer is told it may be there, and a later click says it is shared', async () => {
    const { responseId } = await h.command('/ask', 'What is AI Connect?', USERS.staff, { channel: 'C0UNSURE1' });
    await h.fake.waitFor(() => h.responses(responseId).length > 0);
    const answerId = buttonValue(h.responses(responseId)[0].blocks, 'share_answer')!;
    h.fake.failNext('chat.postMessage', { kind: 'http', status: 503 });
    await h.interaction(sharePayload(answerId, 'C0UNSURE1', 'unsure1'));
    await h.fake.waitFor(() => h.responses('unsure1').length > 0);
    expect(blockText(h.responses('unsure1')[0].blocks)).toMatch(/may already be in the channel/);
    // The sharer looked and it was not there: sharing again works.
    await h.interaction(sharePayload(answerId, 'C0UNSURE1', 'unsure2'));
    await h.fake.waitFor(() => h.responses('unsure2').length > 0);
    expect(blockText(h.responses('unsure2')[0].blocks)).toMatch(/Shared in the channel/);
    // Once shared, another click says so instead of doing nothing.
    await h.interaction(sharePayload(answerId, 'C0UNSURE1', 'unsure3'));
    await h.fake.waitFor(() => h.responses('unsure3').length > 0);
    expect(blockText(h.responses('unsure3')[0].blocks)).toMatch(/already shared/);
    // The 503, then the one that was shared; the last click posted nothing.
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0UNSURE1')).toHaveLength(2);
  });
});
