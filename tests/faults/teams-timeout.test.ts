/**
 * Fault: the Teams Bot Connector takes the request for a proactive reminder and never answers. Mechanism: the fake
 * Bot Connector behind a proxy that holds the request (`fault-slow-http.ts`); the conversation reference points at
 * the proxy. Expectation: the send is given up within a bounded time, recorded, not sent again, and the worker is
 * free for other jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationClaimsRepo } from '../../src/store/notification-claims-repo.js';
import { startFakeBotConnector, type FakeBotConnector } from '../helpers/fake-bot-connector.js';
import { waitFor } from '../helpers/wait.js';
import { waitForIdle } from '../jobs/helpers.js';
import type { FaultServer } from '../helpers/fault-server.js';
import { startTeamsFaultServer, teamsLeadTalksOnce } from '../helpers/fault-teams.js';
import { startSlowHttpProxy, type SlowHttpProxy } from '../helpers/fault-slow-http.js';
import type { TestStore } from '../helpers/store.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

let h: FaultServer;
let ts: TestStore;
let connector: FakeBotConnector;
let proxy: SlowHttpProxy;

beforeAll(async () => {
  connector = await startFakeBotConnector();
  cleanups.push(() => connector.close());
  proxy = await startSlowHttpProxy(connector.serviceUrl);
  cleanups.push(() => proxy.close());
  ({ h, ts } = await startTeamsFaultServer(proxy.url, cleanups));
});

describe('Teams connector never answers a reminder', () => {
  it('gives up within a bounded time, records the send as unknown, and does not send it again', async () => {
    const { person } = await teamsLeadTalksOnce(h, ts, connector, proxy.url);

    // From now on the connector holds every message for ten minutes.
    const sendPath = /\/v3\/conversations\/[^/]+\/activities$/;
    proxy.setDelay((path) => (sendPath.test(path) ? 600_000 : 0));
    const arrivedBefore = proxy.arrived(sendPath);
    await h.server.jobs!.runNow('reminder', new Date('2026-11-06T14:00:00Z'));
    await waitFor(() => proxy.arrived(sendPath) > arrivedBefore, { what: 'the reminder reached the connector', timeout: 30_000 });
    const key = { kind: 'reminder' as const, recipient: `person:${person.id}`, period: '2026-11-02' };
    const claims = new NotificationClaimsRepo(ts.store.db);
    await waitFor(async () => {
      const c = await claims.get(key);
      return !!c && c.state !== 'sending';
    }, { what: 'the hung send settled', timeout: 60_000, every: 250 });
    expect(await claims.get(key)).toMatchObject({ state: 'unknown' });
    // One request reached the connector: a request that may have been delivered is never repeated. The send gave up
    // for good (no retry is waiting in the queue), so none can follow.
    await waitForIdle(h.server.jobs!.queues, 30_000);
    expect(proxy.arrived(sendPath) - arrivedBefore).toBe(1);
  }, 120_000);
});
