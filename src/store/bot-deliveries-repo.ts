import type { Queryable } from './db.js';
import { mapDbError } from './errors.js';

/** Platform deliveries handled once (table bot_deliveries): Slack retries of the same event find the row and stop. */
export interface DeliveriesRepo {
  /** True only for the first caller with this (platform, key); decided by the primary key in Postgres. */
  claim(platform: string, key: string): Promise<boolean>;
  /** Forget a claim (the work failed before anything was sent, so a retry may try again). */
  release(platform: string, key: string): Promise<void>;
  purgeOlderThan(cutoff: Date): Promise<number>;
}

export function createDeliveriesRepo(db: Queryable): DeliveriesRepo {
  return {
    async claim(platform, key) {
      try {
        const { rows } = await db.query<{ key: string }>(
          'INSERT INTO bot_deliveries (platform, key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING key',
          [platform, key],
        );
        return rows.length === 1;
      } catch (err) {
        throw mapDbError(err);
      }
    },
    async release(platform, key) {
      try {
        await db.query('DELETE FROM bot_deliveries WHERE platform = $1 AND key = $2', [platform, key]);
      } catch (err) {
        throw mapDbError(err);
      }
    },
    async purgeOlderThan(cutoff) {
      try {
        return (await db.query('DELETE FROM bot_deliveries WHERE received_at < $1', [cutoff])).rowCount;
      } catch (err) {
        throw mapDbError(err);
      }
    },
  };
}
