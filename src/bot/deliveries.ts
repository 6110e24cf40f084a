import type { Logger } from '../logger.js';
import type { Platform } from '../shared/platform.js';

/** Platform deliveries handled once: a row per (platform, key) in Postgres (bot_deliveries, purged after a week). */
export interface DeliveriesPort {
  /** True only for the first caller with this (platform, key); decided by the primary key in Postgres. */
  claim(platform: Platform, key: string): Promise<boolean>;
  /** Forget a claim (nothing was sent), so a later delivery of the same key is handled. */
  release(platform: Platform, key: string): Promise<void>;
}

export type DeliveryOutcome = 'ran' | 'duplicate' | 'skipped';

export interface DeliveryGuardOptions {
  logger: Logger;
  /** Counts what was not run (camden_deliveries_total{outcome="duplicate"|"skipped"}), so tests and dashboards see it. */
  observe?(info: { platform: Platform; outcome: DeliveryOutcome }): void;
}

/**
 * The one policy both adapters use for a platform delivering the same thing twice (Slack retries an event with the
 * same event_id; Teams redelivers an activity; a button is double-clicked):
 *
 * - The first claim of (platform, key) wins, by a unique key in Postgres; a duplicate is not handled, and is logged
 *   ("duplicate delivery ignored") and counted.
 * - When the claim cannot be recorded (database down): a first delivery is handled anyway, because the person would
 *   otherwise get silence and a rare duplicate answer is the lesser harm (returns carry their own idempotency key,
 *   so figures are still stored once); a delivery the platform marks as a retry is skipped, since an earlier one
 *   may have been answered.
 * - When handling fails by throwing, the claim is released so a redelivery is handled; work that answered the person
 *   itself (and so did not throw) keeps its claim.
 */
export class DeliveryGuard {
  constructor(
    private readonly port: DeliveriesPort,
    private readonly opts: DeliveryGuardOptions,
  ) {}

  async once(platform: Platform, key: string, fn: () => Promise<void>, delivery: { retry?: boolean } = {}): Promise<DeliveryOutcome> {
    const log = this.opts.logger;
    let first: boolean;
    try {
      first = await this.port.claim(platform, key);
    } catch (err) {
      if (delivery.retry) {
        log.error({ err, platform, key }, 'could not record a redelivery; skipping it so it cannot be answered twice');
        this.opts.observe?.({ platform, outcome: 'skipped' });
        return 'skipped';
      }
      log.warn({ err, platform, key }, 'could not record a delivery; handling it anyway (a first delivery)');
      await fn();
      return 'ran';
    }
    if (!first) {
      log.info({ platform, key }, 'duplicate delivery ignored');
      this.opts.observe?.({ platform, outcome: 'duplicate' });
      return 'duplicate';
    }
    try {
      await fn();
    } catch (err) {
      await this.release(platform, key);
      throw err;
    }
    return 'ran';
  }

  /** Give a claim back (the work sent nothing); never throws. */
  async release(platform: Platform, key: string): Promise<void> {
    await this.port.release(platform, key).catch((err: unknown) => this.opts.logger.warn({ err, platform, key }, 'could not release a delivery claim'));
  }
}
