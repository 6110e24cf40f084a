import { randomBytes } from 'node:crypto';
import type { Queryable } from './db.js';

export interface SettingsRepo {
  get(key: string, tx?: Queryable): Promise<string | null>;
  set(key: string, value: string, tx?: Queryable): Promise<void>;
  /**
   * The stored value, or `create()`'s value stored now. Concurrent first callers all get the same winner
   * (insert-if-absent on the primary key).
   */
  getOrCreate(key: string, create: () => string): Promise<string>;
  /**
   * A random secret generated once per installation and kept in the database; read once per process. A failed read
   * (database away) is not kept: the next call reads again.
   */
  installationSecret(key: string): Promise<string>;
  /**
   * A periodic task's turn: true for exactly one caller when the task last ran at least `minGapMs` before `now` (or
   * never), across processes (one atomic upsert on the key); that caller's `now` is recorded as the last run.
   */
  claimTurn(key: string, now: Date, minGapMs: number): Promise<boolean>;
}

export function createSettingsRepo(db: Queryable): SettingsRepo {
  const secrets = new Map<string, Promise<string>>();
  const repo: SettingsRepo = {
    async get(key, tx = db) {
      const r = await tx.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      return r.rows[0]?.value ?? null;
    },
    async set(key, value, tx = db) {
      await tx.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()', [key, value]);
    },
    async getOrCreate(key, create) {
      await db.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, create()]);
      const value = await repo.get(key);
      if (value === null) throw new Error(`setting ${key} vanished right after it was written`);
      return value;
    },
    async claimTurn(key, now, minGapMs) {
      const r = await db.query(
        `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
         WHERE settings.value::timestamptz <= $3::timestamptz RETURNING key`,
        [key, now.toISOString(), new Date(now.getTime() - minGapMs).toISOString()],
      );
      return r.rows.length === 1;
    },
    installationSecret(key) {
      let secret = secrets.get(key);
      if (!secret) {
        secret = repo.getOrCreate(key, () => randomBytes(32).toString('base64url')).catch((err: unknown) => {
          secrets.delete(key);
          throw err;
        });
        secrets.set(key, secret);
      }
      return secret;
    },
  };
  return repo;
}
