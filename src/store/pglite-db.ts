import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { AppError, UnavailableError } from '../errors.js';
import { writeRefusal } from './errors.js';
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

function wrap(q: PgliteLike, mapError: (err: unknown) => unknown, guard: () => void): Queryable & { exec(sql: string): Promise<void> } {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      guard();
      try {
        const r = await q.query<T>(sql, params as unknown[]);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      } catch (err) {
        throw mapError(err);
      }
    },
    async exec(sql: string) {
      guard();
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
 *
 * After a PANIC (Postgres could not write its WAL: the disk is full) PGlite 0.5 is wedged: the next statement it is
 * given spins inside WebAssembly and blocks the whole process. So from the PANIC on, no statement reaches that
 * instance (callers get StoreWriteError at once, a transaction in flight is abandoned, not rolled back), and the write
 * probe opens a new instance on the same files once it can write there again: Postgres' crash recovery replays the WAL,
 * so everything committed before the PANIC is kept. The old instance is dropped unclosed (closing would spin too).
 */
export async function createPgliteDb(opts: PgliteDbOptions): Promise<Db> {
  const lock = acquireLockFile(opts.dataDir);
  const dir = join(opts.dataDir, 'pglite');
  /** Set by Postgres' stderr when an instance PANICs; cleared when a new instance replaces it. */
  let panic: string | undefined;
  // Postgres says why it would not start (a bad PGLITE_SETTINGS value, a damaged data directory) only on stderr.
  const start = async (fatal: string[]): Promise<PGlite> =>
    PGlite.create(dir, {
      startParams: [...PGlite.defaultStartParams, ...pgliteSettingArgs(opts.settings)],
      onStderr: (line: string) => {
        if (/\b(FATAL|PANIC):/.test(line) && fatal.length < 5) fatal.push(line.replace(/^.*?\b(FATAL|PANIC):\s*/, ''));
        if (/\bPANIC:/.test(line)) panic ??= line.replace(/^.*?\bPANIC:\s*/, '');
        return false;
      },
      parsers: {
        [PG_TYPE.DATE]: (v: string) => v,
        [PG_TYPE.INT8]: (v: string) => Number(v),
        [PG_TYPE.NUMERIC]: (v: string) => Number(v),
      },
    });
  let pglite: PGlite;
  const fatal: string[] = [];
  try {
    await initialisePgliteDir(dir, opts.logger);
    pglite = await start(fatal);
  } catch (err) {
    lock.release();
    if (!fatal.length) throw err;
    const settings = opts.settings && Object.keys(opts.settings).length ? ' (check PGLITE_SETTINGS)' : '';
    throw new StoreStartError(`The embedded database in ${opts.dataDir} could not start: ${fatal.join('; ')}${settings}`, { cause: err });
  }
  let closed = false;
  /** The PANIC's own words say why (`could not write to file "pg_wal/…": No space left on device`), not the statement's error. */
  const panicked = (text: string, cause?: unknown) => Object.assign(new Error(text, { cause }), { code: '58030' });
  const guard = () => {
    if (closed) throw new UnavailableError('The embedded database is closed.');
    if (panic) {
      // Nothing may reach the wedged instance; the write probe reopens it once it can write again (also without /healthz).
      void writes.check();
      throw writeRefusal(panicked(panic))!;
    }
  };
  /** A new instance on the same files, replacing one that PANICked (called by the write probe, one at a time). */
  const recover = async () => {
    if (!panic || closed) return;
    const reason = panic;
    try {
      const fresh = await start([]);
      pglite = fresh;
      panic = undefined;
      opts.logger?.warn({ after: reason }, 'embedded database reopened after a PANIC; committed data recovered from the WAL');
    } catch (err) {
      panic = reason;
      opts.logger?.error({ err, after: reason }, 'embedded database could not be reopened after a PANIC');
    }
  };
  const writes: WriteHealth = new WriteHealth({
    engine: 'pglite',
    db: { query: (sql, params) => db.query(sql, params) },
    dataDir: opts.dataDir,
    logger: opts.logger,
    recover,
  });
  const mapError = (err: unknown) => writes.map(panic && !(err instanceof AppError) ? panicked(panic, err) : err);
  const base = wrap({ query: (sql, params, o) => pglite.query(sql, params, o), exec: (sql, o) => pglite.exec(sql, o) }, mapError, guard);

  const transaction = async <T>(fn: (tx: Queryable & { exec(sql: string): Promise<void> }) => Promise<T>): Promise<T> => {
    guard();
    let abandon!: (err: unknown) => void;
    const abandoned = new Promise<never>((_, reject) => (abandon = reject));
    const run = pglite.transaction(async (tx) => {
      try {
        return await fn(wrap(tx, mapError, guard));
      } catch (err) {
        if (!panic) throw err;
        // Returning would make PGlite send ROLLBACK to the wedged instance, which never comes back.
        abandon(err);
        return new Promise<never>(() => undefined);
      }
    });
    try {
      return await Promise.race([run, abandoned]);
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
        // A PANICked instance is wedged: closing it would block the process.
        if (!panic) await pglite.close();
      } finally {
        lock.release();
      }
    },
  };
  opts.logger?.debug({ dataDir: opts.dataDir }, 'pglite opened');
  return db;
}
