import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTriggerId } from '../helpers/slack-requests.js';
import { blockText, startSlackHarness, TEAM, USERS, type SlackHarness } from '../helpers/slack-harness.js';

let h: SlackHarness;

beforeAll(async () => {
  // SLACK_APP_TOKEN switches to Socket Mode; the fake Slack serves apps.connections.open and the WebSocket.
  h = await startSlackHarness('postgres', { SLACK_APP_TOKEN: 'xapp-1-test' });
});

afterAll(async () => {
  await h?.close();
});

describe('Socket Mode', () => {
  it('connects over the WebSocket and reports socket mode; no HTTP endpoint', async () => {
    expect(h.server.slack?.mode).toBe('socket');
    expect(h.fake.callsTo('apps.connections.open')).toHaveLength(1);
    expect(h.fake.sockets).toHaveLength(1);
    const health = (await (await fetch(`${h.server.url}/healthz`)).json()) as any;
    expect(health.adapters.slack).toBe('socket');
    expect((await fetch(h.eventsUrl, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('acks an envelope and answers a slash command through the response_url', async () => {
    const socket = h.fake.sockets[0]!;
    socket.sendJson({
      envelope_id: 'env-ask-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'legacy',
        team_id: TEAM,
        team_domain: 'camden',
        channel_id: 'C0GENERAL1',
        channel_name: 'general',
        user_id: USERS.staff,
        user_name: 'staff',
        command: '/ask',
        text: 'What is AI Connect?',
        api_app_id: 'A0CAMDEN01',
        response_url: `${h.fake.responseUrlBase}/socket1`,
        trigger_id: newTriggerId(),
      },
    });
    await h.fake.waitFor(() => h.responses('socket1').length > 0);
    expect(socket.received).toContainEqual(expect.objectContaining({ envelope_id: 'env-ask-1' }));
    expect(blockText(h.responses('socket1')[0].blocks)).toContain('AI Connect');
  });
});

describe('Socket Mode when Slack is unreachable at startup', () => {
  it('the server starts anyway and connects once Slack answers (retry after 5 s)', async () => {
    const h2 = await startSlackHarness('postgres', { SLACK_APP_TOKEN: 'xapp-1-test' }, (fake) => fake.failNext('apps.connections.open', { kind: 'error', error: 'invalid_auth' }));
    try {
      expect((await fetch(`${h2.server.url}/healthz`)).status).toBe(200);
      expect(h2.server.slack?.connected()).toBe(false);
      const health = (await (await fetch(`${h2.server.url}/healthz`)).json()) as any;
      expect(health).toMatchObject({ status: 'degraded', adapters: { slack: 'socket-connecting' } });
      await h2.fake.waitFor(() => h2.fake.sockets.length === 1, 20_000);
      await h2.fake.waitFor(() => h2.server.slack?.connected() === true, 5_000);
      expect(h2.fake.callsTo('apps.connections.open')).toHaveLength(2);
      expect(((await (await fetch(`${h2.server.url}/healthz`)).json()) as any).adapters.slack).toBe('socket');
    } finally {
      await h2.close();
    }
  });
});

describe('Socket Mode when the connection drops and Slack is briefly unreachable', () => {
  it('reports the outage, keeps trying, reconnects and answers over the new connection', async () => {
    const h3 = await startSlackHarness('postgres', { SLACK_APP_TOKEN: 'xapp-1-test' }, undefined, { socketRetryMs: 500 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await h3.fake.waitFor(() => h3.server.slack?.connected() === true, 10_000);
      // Slack drops the connection, and the next two attempts to open a new one fail (500, then a refused-looking 503).
      h3.fake.failNext('apps.connections.open', { kind: 'http', status: 500 });
      h3.fake.failNext('apps.connections.open', { kind: 'http', status: 503 });
      h3.fake.sockets[0]!.close();
      await h3.fake.waitFor(() => h3.server.slack?.connected() === false, 10_000);
      const down = (await (await fetch(`${h3.server.url}/healthz`)).json()) as any;
      expect(down).toMatchObject({ status: 'degraded', adapters: { slack: 'socket-connecting' } });

      await h3.fake.waitFor(() => h3.fake.sockets.length === 2 && h3.server.slack?.connected() === true, 30_000);
      expect(h3.fake.callsTo('apps.connections.open')).toHaveLength(4);
      expect(((await (await fetch(`${h3.server.url}/healthz`)).json()) as any).adapters.slack).toBe('socket');

      h3.fake.sockets[1]!.sendJson({
        envelope_id: 'env-ask-2',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          token: 'legacy', team_id: TEAM, team_domain: 'camden', channel_id: 'C0GENERAL1', channel_name: 'general',
          user_id: USERS.staff, user_name: 'staff', command: '/ask', text: 'What is AI Connect?', api_app_id: 'A0CAMDEN01',
          response_url: `${h3.fake.responseUrlBase}/socket2`, trigger_id: newTriggerId(),
        },
      });
      await h3.fake.waitFor(() => h3.responses('socket2').length > 0, 10_000);
      expect(blockText(h3.responses('socket2')[0].blocks)).toContain('AI Connect');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await h3.close();
    }
  });
});
