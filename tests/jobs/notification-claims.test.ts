import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationClaimsRepo, type NotificationKey } from '../../src/store/notification-claims-repo.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/store.js';

describe.each(ENGINES)('notification claims on %s', (engine) => {
  let ts: TestStore;
  let repo: NotificationClaimsRepo;
  beforeAll(async () => {
    ts = await openTestStore(engine);
    repo = new NotificationClaimsRepo(ts.store.db);
  });
  afterAll(async () => {
    await ts?.close();
  });

  const key = (recipient: string, period = '2026-11-16'): NotificationKey => ({ kind: 'reminder', recipient, period });

  it('lets exactly one of many concurrent claimers send', async () => {
    const k = key('person:1');
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => repo.claim(k, `job-${i}`)));
    expect(outcomes.filter((o) => o.status === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'already')).toHaveLength(11);
  });

  it('moves sending -> sent and never lets it be claimed again', async () => {
    const k = key('person:2');
    expect(await repo.claim(k, 'a')).toEqual({ status: 'claimed', attempts: 1 });
    await repo.markSent(k, { platform: 'slack', messageId: '1700000000.000001' });
    expect(await repo.claim(k, 'b')).toEqual({ status: 'already', state: 'sent' });
    expect(await repo.get(k)).toMatchObject({ state: 'sent', platform: 'slack', messageId: '1700000000.000001', attempts: 1 });
  });

  it('lets a retryable failure be reclaimed, counting attempts, but never a permanent one', async () => {
    const k = key('person:3');
    await repo.claim(k, 'a');
    await repo.markRetryable(k, { code: 'rate_limited', message: 'Slack rate limit reached' });
    expect(await repo.claim(k, 'b')).toEqual({ status: 'claimed', attempts: 2 });
    await repo.markFailed(k, { code: 'permanent', message: 'Slack refused the message: user_not_found' });
    expect(await repo.claim(k, 'c')).toEqual({ status: 'already', state: 'failed' });
    expect(await repo.list({ state: 'failed' })).toEqual([
      expect.objectContaining({ recipient: 'person:3', errorCode: 'permanent', errorMessage: expect.stringContaining('user_not_found') }),
    ]);
  });

  it('marks claims stuck in sending as unknown (not resendable) and purges old periods', async () => {
    const k = key('person:4', '2020-01-06');
    await repo.claim(k, 'dead');
    expect(await repo.expireStale(60_000)).toEqual([]);
    const stale = await repo.expireStale(0);
    expect(stale.map((c) => c.recipient)).toContain('person:4');
    expect(await repo.claim(k, 'again')).toEqual({ status: 'already', state: 'unknown' });
    expect(await repo.purgeBefore('2021-01-01')).toBe(1);
    expect(await repo.get(k)).toBeNull();
  });
});
