import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendProcessor } from '../../jobs/send-notification.js';
import type { NotificationJobData } from '../../jobs/notification-job.js';
import type { JobsServices } from '../../jobs/ports.js';
import type { Notifier } from '../../src/bot/notifier.js';
import { UnavailableError } from '../../src/errors.js';
import { NotificationClaimsRepo } from '../../src/store/notification-claims-repo.js';
import { openTestStore, type TestStore } from '../helpers/store.js';
import { silentLogger } from './helpers.js';

let ts: TestStore;
beforeAll(async () => {
  ts = await openTestStore('postgres');
});
afterAll(async () => {
  await ts?.close();
});

describe('recording a send that went out', () => {
  it('a database blip while recording it neither fails the send nor sends it again', async () => {
    const real = new NotificationClaimsRepo(ts.store.db);
    let blips = 2;
    const claims = Object.create(real) as NotificationClaimsRepo;
    claims.markSent = async (key, result) => {
      if (blips-- > 0) throw new UnavailableError('connection terminated');
      return real.markSent(key, result);
    };
    const posted: string[] = [];
    const slack: Notifier = {
      platform: 'slack',
      canReach: () => true,
      sendDirect: async () => ({}),
      postToChannel: async (channel) => {
        posted.push(channel);
        return { messageId: String(posted.length) };
      },
    };
    const digests = { digestFor: async () => ({ text: 'digest', blocks: [] }) };
    const services = { claims, notifiers: [slack], directory: {}, attendance: {}, digests, housekeeping: {} } as unknown as JobsServices;
    const run = createSendProcessor({ services, timeZone: 'Europe/London', logger: silentLogger, rateLimit: async () => {} });
    const data: NotificationJobData = { kind: 'digest', recipient: 'slack-channel:C0DIGEST1', period: '2026-11-16' };
    const job = { id: 'j1', data, attemptsMade: 0 } as unknown as Job<NotificationJobData>;

    await expect(run(job)).resolves.toMatchObject({ status: 'sent', messageId: '1' });
    expect((await real.get(data))?.state).toBe('sent');
    // Delivered again (a BullMQ retry or a stalled job): nothing more goes out.
    await expect(run(job)).resolves.toMatchObject({ status: 'skipped' });
    expect(posted).toHaveLength(1);
  });
});
