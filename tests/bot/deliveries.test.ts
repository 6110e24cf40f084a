import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryGuard, type DeliveriesPort, type DeliveryOutcome } from '../../src/bot/deliveries.js';
import { createLogger } from '../../src/logger.js';
import { createDeliveriesRepo } from '../../src/store/bot-deliveries-repo.js';
import { UnavailableError } from '../../src/errors.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/store.js';

const logger = createLogger('silent');

describe.each(ENGINES)('one de-duplication of platform deliveries, on %s', (engine) => {
  let ts: TestStore;
  let seen: { platform: string; outcome: DeliveryOutcome }[];
  let guard: DeliveryGuard;
  let port: DeliveriesPort & { down: boolean };
  beforeAll(async () => {
    ts = await openTestStore(engine);
    const repo = createDeliveriesRepo(ts.store.db);
    port = {
      down: false,
      claim: (p, k) => (port.down ? Promise.reject(new UnavailableError('db down')) : repo.claim(p, k)),
      release: (p, k) => repo.release(p, k),
    };
    seen = [];
    guard = new DeliveryGuard(port, { logger, observe: (e) => seen.push(e) });
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('25 deliveries of one key at once: handled once, the others counted as duplicates', async () => {
    let runs = 0;
    const outcomes = await Promise.all(Array.from({ length: 25 }, () => guard.once('slack', 'event:Ev1', async () => void runs++)));
    expect(runs).toBe(1);
    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(1);
    expect(seen.filter((e) => e.outcome === 'duplicate')).toHaveLength(24);
    // Keys are per platform.
    expect(await guard.once('teams', 'event:Ev1', async () => {})).toBe('ran');
  });

  it('work that throws gives its claim back, so the redelivery is handled', async () => {
    await expect(guard.once('teams', 'message:m1', async () => Promise.reject(new Error('connector down')))).rejects.toThrow('connector down');
    let handled = false;
    expect(await guard.once('teams', 'message:m1', async () => void (handled = true))).toBe('ran');
    expect(handled).toBe(true);
  });

  it('with the database down, a first delivery is handled and a platform retry is skipped', async () => {
    port.down = true;
    try {
      let runs = 0;
      expect(await guard.once('slack', 'event:Ev2', async () => void runs++)).toBe('ran');
      expect(await guard.once('slack', 'event:Ev2', async () => void runs++, { retry: true })).toBe('skipped');
      expect(runs).toBe(1);
      expect(seen.at(-1)).toEqual({ platform: 'slack', outcome: 'skipped' });
    } finally {
      port.down = false;
    }
  });
});
