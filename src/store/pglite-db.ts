import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { AppError, UnavailableError } from '../errors.js';
import { WriteHealth } from './write-health.js';
import { acquireLockFile } from './lock-file.js';
import { initialisePgliteDir } from './pglite-init.js';
import { pgliteSettingArgs } from './pglite-settings.js';
import { PG_TYPE, type Db, type DbHealth, type Queryable, type QueryResult, type SessionDb } from './db.js';

export interface PgliteDbOptions {
  /** Folder holding the lock file and the `pglite/` database folder. */
  dataDir: string;
  logger?: Logger;
  /** Postgres settings over the small defaults (PGLITE_SETTINGS; see pglite-settings.ts). */
  settings?: Readonly<Record<string, string>>;
}

/** PGlite would not start; the message carries Postgres' own reason. */
export class StoreStartError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_start_failed', message, options);
  }
}

type PgliteLike = Pick<PGlite, 'query' | 'exec'>;

function wrap(q: PgliteLike, mapError: (err: unknown) => unknown): Queryable & { exec(sql: string): Promise<void> } {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      try {
        const r = await q.query<T>(sql, params as unknown[]);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      } catch (err) {
        throw mapError(err);
      }
    },
    async exec(sql: string) {
      try {
        await q.exec(sql);
      } catch (err) {
        throw mapError(err);
      }
    },
  };
}

/**
 * Embedded Postgres (PGlite) under DATA_DIR. One process only: an exclusive lock file guards it.
 * PGlite has a single connection, so transactions run one at a time, which also makes them serialisable.
 */
export async function createPgliteDb(opts: PgliteDbOptions): Promise<Db> {
  const lock = acquireLockFile(opts.dataDir);
  let pglite: PGlite;
  // Postgres says why it would not start (a bad PGLITE_SETTINGS value, a damaged data directory) only on stderr.
  const fatal: string[] = [];
  try {
    const dir = join(opts.dataDir, 'pglite');
    await initialisePgliteDir(dir, opts.logger);
    pglite = await PGlite.create(dir, {
      startParams: [...PGlite.defaultStartParams, ...pgliteSettingArgs(opts.settings)],
      onStderr: (line: string) => {
        if (/\b(FATAL|PANIC):/.test(line) && fatal.length < 5) fatal.push(line.replace(/^.*?\b(FATAL|PANIC):\s*/, ''));
        return false;
      },
      parsers: {
        [PG_TYPE.DATE]: (v: string) => v,
        [PG_TYPE.INT8]: (v: string) => Number(v),
        [PG_TYPE.NUMERIC]: (v: string) => Number(v),
      },
    });
  } catch (err) {
    lock.release();
    if (!fatal.length) throw err;
    const settings = opts.settings && Object.keys(opts.settings).length ? ' (check PGLITE_SETTINGS)' : '';
    throw new StoreStartError(`The embedded database in ${opts.dataDir} could not start: ${fatal.join('; ')}${settings}`, { cause: err });
  }
  let closed = false;
  const writes: WriteHealth = new WriteHealth({ engine: 'pglite', db: { query: (sql, params) => db.query(sql, params) }, dataDir: opts.dataDir, logger: opts.logger });
  const mapError = (err: unknown) => writes.map(err);
  const base = wrap(pglite, mapError);
  const guard = () => {
    if (closed) throw new UnavailableError('The embedded database is closed.');
  };

  const transaction = async <T>(fn: (tx: Queryable & { exec(sql: string): Promise<void> }) => Promise<T>): Promise<T> => {
    guard();
    try {
      return await pglite.transaction((tx) => fn(wrap(tx, mapError)));
    } catch (err) {
      throw mapError(err);
    }
  };

  const db: Db = {
    engine: 'pglite',
    async query<T>(sql: string, params?: unknown[]) {
      guard();
      return base.query<T>(sql, params);
    },
    transaction,
    async withExclusiveSession(_lockKey, fn) {
      guard();
      const session: SessionDb = { query: base.query, exec: base.exec, transaction };
      return fn(session);
    },
    async ping() {
      guard();
      await base.query('SELECT 1');
    },
    async health(): Promise<DbHealth> {
      if (closed) return { ok: false, engine: 'pglite', code: 'unavailable', error: 'The embedded database is closed.' };
      return writes.check();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pglite.close();
      } finally {
        lock.release();
      }
    },
  };
  opts.logger?.debug({ dataDir: opts.dataDir }, 'pglite opened');
  return db;
}
