import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';
import type { Db } from './db.js';

/** The folder every area's migrations live in (numbered ranges: 0001–0199 store, 0200+ Slack, 0300+ Teams, 0400+ jobs). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const MIGRATION_FILE = /^(\d{4})_[A-Za-z0-9_.-]+\.sql$/;

export interface MigrationOptions {
  /** Folder of `NNNN_name.sql` files; defaults to src/store/migrations. */
  dir?: string;
  logger?: Logger;
}

export interface MigrationReport {
  /** Files applied by this call, in order. */
  applied: string[];
  /** Files that were already recorded in schema_migrations. */
  alreadyApplied: number;
}

export class MigrationError extends AppError {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super('migration_failed', `Migration ${file} failed: ${(cause as Error)?.message ?? String(cause)}. Nothing from this file was applied.`, {
      cause,
    });
  }
}

/** Migration file names in the folder, in name order; other files (README, .ts) are ignored. */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => MIGRATION_FILE.test(n)).sort();
}

/**
 * Applies every not-yet-applied .sql file in name order, each in its own transaction, recording it in
 * schema_migrations. Holds an advisory lock (per schema) for the whole run, so two processes starting together
 * apply each file exactly once; the second waits and then finds nothing to do.
 */
export async function runMigrations(db: Db, opts: MigrationOptions = {}): Promise<MigrationReport> {
  const dir = opts.dir ?? MIGRATIONS_DIR;
  const files = await listMigrations(dir);
  return db.withExclusiveSession('camden:migrations', async (session) => {
    await session.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const done = await session.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
    const known = new Map(done.rows.map((r) => [r.name, r.checksum]));
    const applied: string[] = [];
    for (const file of files) {
      const sql = await readFile(join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = known.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) {
          opts.logger?.warn({ migration: file }, 'migration file changed after it was applied; add a new migration instead');
        }
        continue;
      }
      try {
        await session.transaction(async (tx) => {
          await tx.exec(sql);
          await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file, checksum]);
        });
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new MigrationError(file, err);
      }
      applied.push(file);
      opts.logger?.info({ migration: file }, 'migration applied');
    }
    return { applied, alreadyApplied: known.size };
  });
}
