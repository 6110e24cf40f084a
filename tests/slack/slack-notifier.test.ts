import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '@slack/bolt';
import { createSlackNotifier } from '../../adapters/slack/notifier.js';
import { apiUrl } from '../../adapters/slack/index.js';
import { NotifierError, type Notifier } from '../../src/bot/notifier.js';
import type { Person } from '../../src/directory/types.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { blockText } from '../helpers/slack-harness.js';
import { expectInertSlackMessage } from '../helpers/slack-inert.js';

let fake: FakeSlack;
let notifier: Notifier;

const lead: Person = { id: 1, name: 'Sam', email: 'sam@example.org', roles: ['oc_lead'], centres: ['acland-burghley'], slack: { user: 'U0LEAD001', team: 'T0CAMDEN' } };
const teamsOnly: Person = { ...lead, id: 2, slack: null };
const NOTICE = 'Reminder: your return <!here> is *due* <https://evil.example|now>';
const reply = { text: NOTICE, blocks: [{ kind: 'notice' as const, tone: 'warning' as const, text: NOTICE }] };

beforeAll(async () => {
  fake = await startFakeSlack();
  // The same WebClient configuration the adapter uses: no blind retries, 429s rejected to the caller.
  const app = new App({
    token: 'xoxb-test',
    signingSecret: 'secret',
    clientOptions: { slackApiUrl: apiUrl(fake.apiUrl), retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 1_000 },
  });
  notifier = createSlackNotifier(app.client);
});

afterAll(async () => {
  await fake?.close();
});

async function failure(p: Promise<unknown>): Promise<NotifierError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(NotifierError);
    return err as NotifierError;
  }
  throw new Error('expected a NotifierError');
}

describe('Slack notifier', () => {
  it('sends a DM via conversations.open + chat.postMessage, inert (plain_text), unfurls off', async () => {
    fake.reset();
    const result = await notifier.sendDirect(lead, reply);
    expect(result.messageId).toBeTruthy();
    expect(fake.calls.map((c) => c.method).filter((m) => m !== 'auth.test')).toEqual(['conversations.open', 'chat.postMessage']);
    const post = fake.callsTo('chat.postMessage')[0]!.args;
    expect(post.channel).toBe('D0LEAD001');
    expect(String(post.unfurl_links)).toBe('false');
    // The notice arrives as typed in a plain_text object: no ping, no link, no bold.
    expect(blockText(post.blocks)).toContain(NOTICE);
    expectInertSlackMessage(post, [NOTICE]);
    expect(post.text).not.toContain('<!here>');
    expect(post.text).not.toContain('<https:');
  });

  it('posts to a channel', async () => {
    fake.reset();
    await notifier.postToChannel('C0DIGEST1', reply);
    expect(fake.callsTo('chat.postMessage')[0]!.args.channel).toBe('C0DIGEST1');
  });

  it('puts a channel post\'s chart in the post\'s thread, and a DM\'s right after it', async () => {
    fake.reset();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const withChart = { ...reply, blocks: [...reply.blocks, { kind: 'image' as const, title: 'Chart', alt: 'A chart', png, width: 10, height: 10 }] };
    const posted = await notifier.postToChannel('C0DIGEST1', withChart);
    const complete = fake.callsTo('files.completeUploadExternal');
    expect(complete).toHaveLength(1);
    expect(complete[0]!.args).toMatchObject({ channel_id: 'C0DIGEST1', thread_ts: posted.messageId });
    fake.reset();
    const sent = await notifier.sendDirect(lead, withChart);
    expect(sent.conversationId).toBe('D0LEAD001');
    expect(fake.callsTo('files.completeUploadExternal')[0]!.args.thread_ts).toBeUndefined();
  });

  it('updates a DM it sent (chat.update in the same channel); a message that is gone is a permanent failure', async () => {
    fake.reset();
    const sent = await notifier.sendDirect(lead, reply);
    const received = { text: 'Attendance return received', blocks: [{ kind: 'notice' as const, tone: 'success' as const, text: 'Received, thank you.' }] };
    await notifier.updateDirect!(lead, { messageId: sent.messageId!, conversationId: sent.conversationId }, received);
    const update = fake.callsTo('chat.update')[0]!.args;
    expect(update).toMatchObject({ channel: 'D0LEAD001', ts: sent.messageId });
    expect(blockText(update.blocks)).toContain('Received, thank you.');
    expect(fake.refused).toEqual([]);
    fake.failNext('chat.update', { kind: 'error', error: 'message_not_found' });
    expect((await failure(notifier.updateDirect!(lead, { messageId: '1.2' }, received))).code).toBe('permanent');
  });

  it('knows who it can reach', () => {
    expect(notifier.canReach(lead)).toBe(true);
    expect(notifier.canReach(teamsOnly)).toBe(false);
  });

  it('429 -> rate_limited with Retry-After, and it does not retry by itself', async () => {
    fake.reset();
    fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 7 });
    const err = await failure(notifier.postToChannel('C0DIGEST1', reply));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(7000);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it.each(['user_not_found', 'account_inactive', 'channel_not_found', 'not_in_channel', 'is_archived'])('%s -> permanent', async (error) => {
    fake.reset();
    fake.failNext(error === 'user_not_found' || error === 'account_inactive' ? 'conversations.open' : 'chat.postMessage', { kind: 'error', error });
    const send = error === 'user_not_found' || error === 'account_inactive' ? notifier.sendDirect(lead, reply) : notifier.postToChannel('C0X', reply);
    expect((await failure(send)).code).toBe('permanent');
  });

  it('500 and other Slack errors -> transient; a timeout -> unknown (may have been delivered); sent once', async () => {
    fake.reset();
    fake.failNext('chat.postMessage', { kind: 'http', status: 500 });
    expect((await failure(notifier.postToChannel('C0X', reply))).code).toBe('transient');
    fake.failNext('chat.postMessage', { kind: 'error', error: 'internal_error' });
    expect((await failure(notifier.postToChannel('C0X', reply))).code).toBe('transient');
    fake.failNext('chat.postMessage', { kind: 'hang' });
    expect((await failure(notifier.postToChannel('C0X', reply))).code).toBe('unknown');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('a reply of several messages that fails after its first message -> unknown (never resent: it would repeat that part)', async () => {
    fake.reset();
    const long = { text: 'Digest', blocks: Array.from({ length: 60 }, (_, i) => ({ kind: 'paragraph' as const, text: `Line ${i + 1}` })) };
    fake.failNext('chat.postMessage', { kind: 'pass' });
    fake.failNext('chat.postMessage', { kind: 'http', status: 500 });
    expect((await failure(notifier.postToChannel('C0X', long))).code).toBe('unknown');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('a person without a Slack identity -> permanent, nothing sent', async () => {
    fake.reset();
    expect((await failure(notifier.sendDirect(teamsOnly, reply))).code).toBe('permanent');
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  });
});

describe('Slack notifier images', () => {
  it('uploads a reply\'s chart after the message (files.uploadV2) to the same channel', async () => {
    fake.reset();
    const { Resvg } = await import('@resvg/resvg-js');
    const png = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#1d4f91"/></svg>').render().asPng();
    await notifier.postToChannel('C0DIGEST1', {
      text: 'Weekly digest',
      blocks: [
        { kind: 'heading', text: 'Weekly digest' },
        { kind: 'image', title: 'Attendances by centre', alt: 'Line chart of weekly attendances', png, width: 20, height: 10 },
      ],
    });
    const methods = fake.calls.map((c) => c.method).filter((m) => m !== 'auth.test');
    expect(methods[0]).toBe('chat.postMessage');
    expect(methods).toContain('files.getUploadURLExternal');
    const upload = fake.calls.find((c) => c.method.startsWith('upload/'));
    expect(upload?.args.pngSignature).toBe(true);
    const complete = fake.callsTo('files.completeUploadExternal')[0]!;
    expect(complete.args.channel_id).toBe('C0DIGEST1');
    expect(blockText(fake.callsTo('chat.postMessage')[0]!.args.blocks)).toContain('Attendances by centre');
  });

  it('a failed upload does not fail the send (the message is already delivered)', async () => {
    fake.reset();
    fake.failNext('files.getUploadURLExternal', { kind: 'error', error: 'missing_scope' });
    const res = await notifier.postToChannel('C0DIGEST1', {
      text: 'x',
      blocks: [{ kind: 'image', title: 'Chart', alt: 'alt', png: new Uint8Array([137, 80, 78, 71]), width: 1, height: 1 }],
    });
    expect(res.messageId).toBeTruthy();
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
