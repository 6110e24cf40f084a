import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTs } from '../helpers/slack-requests.js';
import { blockText, startSlackHarness, TEAM, USERS, type SlackHarness } from '../helpers/slack-harness.js';

let h: SlackHarness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // Slack is down when the server starts: auth.test fails twice (startup, then the first event).
  h = await startSlackHarness('postgres', {}, (fake) => fake.failNext('auth.test', { kind: 'http', status: 503 }, 2));
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await h?.close();
});

describe('Slack unreachable at startup', () => {
  it('the server still starts, and once Slack is back events are answered', async () => {
    expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
    // First event: auth.test fails again, so Bolt cannot authorise it (Slack would retry it later).
    const first = await h.event({ type: 'message', channel_type: 'im', channel: 'D0BOOT001', user: USERS.staff, text: 'What is AI Connect?', ts: newTs(), team: TEAM });
    expect(first.status).toBeGreaterThanOrEqual(200);
    // Slack is back: the next delivery authorises (auth.test retried, not a cached failure) and is answered.
    await h.event({ type: 'message', channel_type: 'im', channel: 'D0BOOT002', user: USERS.staff, text: 'What is AI Connect?', ts: newTs(), team: TEAM });
    await h.fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0BOOT002'));
    const post = h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'D0BOOT002')!;
    expect(blockText(post.args.blocks)).toContain('AI Connect');
    expect(h.fake.callsTo('auth.test').length).toBe(3);
    expect(unhandled).toEqual([]);
  });
});
