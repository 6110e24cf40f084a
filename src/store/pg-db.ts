import pg from 'pg';
import type { Logger } from '../logger.js';
import { UnavailableError } from '../errors.js';
import { WriteHealth } from './write-health.js';
import { PG_TYPE, type Db, type DbHealth, type Queryable, type QueryResult, type SessionDb } from './db.js';

export interface PgDbOptions {
  connectionString: string;
  /** Schema put first on every pooled connection's search_path (tests isolate with one schema each). */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
  logger?: Logger;
}

/** Dates stay 'YYYY-MM-DD' strings and counts stay numbers, exactly as PGlite returns them. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === PG_TYPE.DATE) return (v: string) => v;
    if (oid === PG_TYPE.INT8 || oid === PG_TYPE.NUMERIC) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

type MapError = (err: unknown) => unknown;

function wrap(q: pg.Pool | pg.PoolClient, mapDbError: MapError): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      try {
        const r = await q.query(sql, params as unknown[]);
        return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
      } catch (err) {
        throw mapDbError(err);
      }
    },
  };
}

async function inTransaction<T>(
  client: pg.PoolClient,
  fn: (tx: Queryable & { exec(sql: string): Promise<void> }) => Promise<T>,
  mapDbError: MapError,
): Promise<T> {
  const tx = {
    ...wrap(client, mapDbError),
    async exec(sql: string) {
      try {
        await client.query(sql);
      } catch (err) {
        throw mapDbError(err);
      }
    },
  };
  await tx.exec('BEGIN');
  try {
    const result = await fn(tx);
    await tx.exec('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** Postgres through a `pg` pool (DATABASE_URL): for several processes and machines. */
export function createPgDb(opts: PgDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types: typeParsers,
    ...(opts.schema ? { options: `-c search_path=${quoteIdent(opts.schema)},public` } : {}),
  });
  // An idle client losing its server must not crash the process; the next query reports UnavailableError.
  pool.on('error', (err) => opts.logger?.warn({ err: err.message }, 'postgres idle client error'));
  // A client checked out of the pool has no 'error' listener of pg-pool's: when the server goes away mid-transaction
  // pg emits 'error' after failing the query, which would be an uncaught exception. The query already reports it.
  pool.on('connect', (client) => {
    client.on('error', (err) => opts.logger?.warn({ err: err.message }, 'postgres connection lost'));
  });
  let closed = false;
  const writes: WriteHealth = new WriteHealth({ engine: 'postgres', db: { query: (sql, params) => db.query(sql, params) }, logger: opts.logger });
  const mapDbError = (err: unknown) => writes.map(err);

  async function connect(): Promise<pg.PoolClient> {
    if (closed) throw new UnavailableError('The database connection is closed.');
    try {
      return await pool.connect();
    } catch (err) {
      throw mapDbError(err);
    }
  }

  const base = wrap(pool, mapDbError);
  const db: Db = {
    engine: 'postgres',
    query: base.query,
    async transaction(fn) {
      const client = await connect();
      let broken: unknown;
      try {
        return await inTransaction(client, fn, mapDbError);
      } catch (err) {
        if (err instanceof UnavailableError) broken = err;
        throw err;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async withExclusiveSession(lockKey, fn) {
      const client = await connect();
      const session: SessionDb = {
        ...wrap(client, mapDbError),
        async exec(sql) {
          try {
            await client.query(sql);
          } catch (err) {
            throw mapDbError(err);
          }
        },
        transaction: (f) => inTransaction(client, f, mapDbError),
      };
      let broken: Error | undefined;
      try {
        // Keyed by schema too, so isolated schemas (tests, tenants) do not wait on each other.
        await session.query(`SELECT pg_advisory_lock(hashtext($1 || ':' || current_schema()))`, [lockKey]);
        try {
          return await fn(session);
        } finally {
          await client
            .query(`SELECT pg_advisory_unlock(hashtext($1 || ':' || current_schema()))`, [lockKey])
            .catch((err: Error) => {
              broken = err;
            });
        }
      } catch (err) {
        if (err instanceof UnavailableError) broken = err;
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async ping() {
      await base.query('SELECT 1');
    },
    async health(): Promise<DbHealth> {
      if (closed) return { ok: false, engine: 'postgres', code: 'unavailable', error: 'The database connection is closed.' };
      return writes.check();
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  return db;
}
