import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jitteredBackoff } from '../../jobs/backoff.js';
import { reconnectDelay } from '../../jobs/connection.js';
import { notificationJobId, parseRecipient } from '../../jobs/notification-job.js';
import { QuietErrorLog } from '../../jobs/quiet-log.js';
import { createLogger } from '../../src/logger.js';

describe('jittered exponential backoff', () => {
  it('stays within [ceiling/2, ceiling] where the ceiling doubles per attempt up to the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const delay = jitteredBackoff({ baseMs: 1000, maxMs: 60_000, random: () => r })(attempt);
        const ceiling = Math.min(60_000, 1000 * 2 ** (attempt - 1));
        return delay >= Math.floor(ceiling / 2) && delay <= ceiling;
      }),
    );
    const low = jitteredBackoff({ baseMs: 1000, random: () => 0 });
    const high = jitteredBackoff({ baseMs: 1000, random: () => 0.999999 });
    expect([low(1), low(2), low(3)]).toEqual([500, 1000, 2000]);
    expect([high(1), high(2), high(3)]).toEqual([1000, 2000, 4000]);
  });

  it('reconnects to Redis with a capped delay', () => {
    expect([1, 2, 3].map((t) => reconnectDelay(t))).toEqual([200, 400, 800]);
    expect(reconnectDelay(1_000)).toBe(10_000);
  });
});

describe('notification keys', () => {
  it('make BullMQ-safe job ids (no ":") and parse recipients', () => {
    const id = notificationJobId({ kind: 'digest', recipient: 'teams-channel:19:abc@thread.tacv2', period: '2026-11-16' });
    expect(id).not.toContain(':');
    expect(decodeURIComponent(id)).toBe('digest|teams-channel:19:abc@thread.tacv2|2026-11-16');
    expect(parseRecipient('teams-channel:19:abc@thread.tacv2')).toEqual({ type: 'channel', platform: 'teams', channel: '19:abc@thread.tacv2' });
    expect(parseRecipient('person:12')).toEqual({ type: 'person', personId: 12 });
    expect(() => parseRecipient('person:abc')).toThrow(/unknown notification recipient/);
  });
});

describe('quiet Redis error log', () => {
  it('logs the first error of an outage, then at most once a minute, then the recovery', () => {
    const lines: string[] = [];
    const logger = createLogger('info');
    const spy = { ...logger, warn: (_o: unknown, msg: string) => lines.push(`warn ${msg}`), info: (_o: unknown, msg: string) => lines.push(`info ${msg}`) };
    let t = 0;
    const log = new QuietErrorLog({ logger: spy as never, subject: 'redis', now: () => t });
    for (let i = 0; i < 100; i++) {
      log.error(new Error('ECONNREFUSED'));
      t += 1_000;
    }
    log.recovered();
    log.recovered();
    expect(lines).toEqual(['warn redis unavailable; retrying in the background', 'warn redis unavailable; retrying in the background', 'info redis available again']);
  });
});
