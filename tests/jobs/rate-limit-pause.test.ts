import { waitFor } from '../helpers/wait.js';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startJobs } from '../../jobs/index.js';
import { notificationJobId, type NotificationJobData } from '../../jobs/notification-job.js';
import { NOTIFY_QUEUE } from '../../jobs/queue-names.js';
import { redisOptions } from '../../jobs/connection.js';
import type { JobsServices } from '../../jobs/ports.js';
import { NotifierError, type Notifier } from '../../src/bot/notifier.js';
import { NotificationClaimsRepo } from '../../src/store/notification-claims-repo.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { deletePrefix, REDIS_URL, silentLogger, testConfig, uniquePrefix, waitForIdle } from './helpers.js';

let ts: TestStore;
const prefix = uniquePrefix();
beforeAll(async () => { ts = await openTestStore('postgres'); });
afterAll(async () => { await ts?.close(); await deletePrefix(prefix); });

it('a 429 (Retry-After 3 s) pauses the notification queue for every worker, not only the one that met it', async () => {
  let limitedAt = 0; const calls: number[] = [];
  const slack: Notifier = {
    platform: 'slack', canReach: () => true, sendDirect: async () => ({}),
    postToChannel: async () => {
      const t = Date.now(); calls.push(t);
      await new Promise((r) => setTimeout(r, 50));
      if (!limitedAt) { limitedAt = Date.now(); throw new NotifierError('rate_limited', '429', 3000); }
      return { messageId: 'ok' };
    },
  };
  const services = { claims: new NotificationClaimsRepo(ts.store.db), notifiers: [slack], directory: {}, attendance: {}, housekeeping: {},
    digests: { digestFor: async () => ({ text: 'digest', blocks: [] }) } } as unknown as JobsServices;
  // Two worker processes on the same queue (npm run worker scale-out), concurrency 1 each to keep it simple.
  const a = await startJobs({ config: testConfig(prefix), services, logger: silentLogger, sendConcurrency: 1 });
  const b = await startJobs({ config: testConfig(prefix), services, logger: silentLogger, sendConcurrency: 1 });
  await waitFor(() => a.redisStatus() === 'up' && b.redisStatus() === 'up', { what: 'condition' });
  const q = new Queue<NotificationJobData>(NOTIFY_QUEUE, { connection: redisOptions({ url: REDIS_URL, role: 'producer' }), prefix });
  await q.addBulk(Array.from({ length: 20 }, (_, i) => {
    const data: NotificationJobData = { kind: 'digest', recipient: `slack-channel:C${i}`, period: '2026-11-16' };
    return { name: 'digest', data, opts: { jobId: notificationJobId(data), attempts: 3 } };
  }));
  await waitForIdle(a.queues, 30_000);
  // A send another worker had already started as the 429 came back may still finish; none starts during the pause.
  const during = calls.filter((t) => t > limitedAt + 300 && t < limitedAt + 2700).length;
  await q.close(); await a.close(); await b.close();
  expect(during).toBe(0);
}, 60_000);
