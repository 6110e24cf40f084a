import type { Queryable } from './db.js';

/** Idempotency claims backed by a unique key in Postgres (never memory), reusable by every area. */
export interface ClaimsRepo {
  /**
   * True only for the first caller of (kind, key), across processes and restarts.
   * Example: `if (!(await store.claims.claimOnce('slack_event', eventId))) return;`
   */
  claimOnce(kind: string, key: string, tx?: Queryable): Promise<boolean>;
  /** Gives a claim back (e.g. the work failed and a retry should be allowed). True when a claim was removed. */
  release(kind: string, key: string, tx?: Queryable): Promise<boolean>;
  /** Deletes claims older than `before` (housekeeping); returns how many. Optional kind narrows it. */
  purgeOlderThan(before: Date, kind?: string): Promise<number>;
}

function checkPart(name: string, v: string): void {
  if (typeof v !== 'string' || v.length === 0 || v.length > 500) {
    throw new TypeError(`claim ${name} must be a non-empty string of at most 500 characters`);
  }
}

export function createClaimsRepo(db: Queryable): ClaimsRepo {
  return {
    async claimOnce(kind, key, tx = db) {
      checkPart('kind', kind);
      checkPart('key', key);
      const r = await tx.query('INSERT INTO claims (kind, key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING kind', [kind, key]);
      return r.rows.length === 1;
    },
    async release(kind, key, tx = db) {
      const r = await tx.query('DELETE FROM claims WHERE kind = $1 AND key = $2 RETURNING kind', [kind, key]);
      return r.rows.length === 1;
    },
    async purgeOlderThan(before, kind) {
      const r = kind
        ? await db.query('DELETE FROM claims WHERE claimed_at < $1 AND kind = $2 RETURNING kind', [before, kind])
        : await db.query('DELETE FROM claims WHERE claimed_at < $1 RETURNING kind', [before]);
      return r.rows.length;
    },
  };
}
