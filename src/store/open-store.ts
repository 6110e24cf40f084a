import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Db } from './db.js';
import { runMigrations } from './migrate.js';
import { createStore, type Store } from './store.js';

export interface OpenStoreOptions {
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** Postgres only: schema to use (search_path) instead of the server default. */
  schema?: string;
  /** Postgres only: pool size. */
  poolSize?: number;
}

/**
 * Opens the configured database (Postgres when DATABASE_URL is set, else PGlite under DATA_DIR) without migrating.
 * Each engine's module is loaded only when it is the one configured: a process on Postgres never loads PGlite (about
 * 3 MB of heap), and one on PGlite never loads `pg`.
 */
export async function openDb(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'> & Partial<Pick<Config, 'PGLITE_SETTINGS'>>,
  logger?: Logger,
  opts: OpenStoreOptions = {},
): Promise<Db> {
  if (config.DATABASE_URL) {
    const { createPgDb } = await import('./pg-db.js');
    return createPgDb({ connectionString: config.DATABASE_URL, schema: opts.schema, max: opts.poolSize, logger });
  }
  const { createPgliteDb } = await import('./pglite-db.js');
  return createPgliteDb({ dataDir: config.DATA_DIR, logger, settings: config.PGLITE_SETTINGS });
}

/**
 * Opens and migrates the store. Call once per process; `store.close()` on shutdown.
 * PGlite refuses a second process (StoreLockedError naming the other pid).
 */
export async function openStore(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'> & Partial<Pick<Config, 'PGLITE_SETTINGS'>>,
  logger?: Logger,
  opts: OpenStoreOptions = {},
): Promise<Store> {
  const db = await openDb(config, logger, opts);
  try {
    if (opts.migrate !== false) {
      const report = await runMigrations(db, { logger });
      logger?.info({ engine: db.engine, applied: report.applied.length }, 'store ready');
    }
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return createStore(db, logger);
}
