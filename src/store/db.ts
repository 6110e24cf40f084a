/** Rows and affected-row count of one statement. */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** Anything that runs one parameterised statement: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export type Engine = 'pglite' | 'postgres';

export interface DbHealth {
  ok: boolean;
  engine: Engine;
  /** Round-trip of the write probe in milliseconds, when it succeeded. */
  latencyMs?: number;
  /** Why not: `store_write_failed` (a write was refused), `unavailable` (no answer), … */
  code?: string;
  /** For a refused write: the errno code (ENOSPC, EACCES, EROFS, …) or the Postgres condition. */
  reason?: string;
  /** The engine's own words: for operators only (never shown to other machines). */
  error?: string;
}

/** One Postgres dialect over two engines (PGlite embedded, or a `pg` pool). */
export interface Db extends Queryable {
  readonly engine: Engine;
  /** Runs `fn` in one transaction (READ COMMITTED); commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one session holding a Postgres advisory lock (PGlite: the single connection, already exclusive).
   * Used by the migration runner so two processes starting together apply each migration once.
   */
  withExclusiveSession<T>(lockKey: string, fn: (session: SessionDb) => Promise<T>): Promise<T>;
  /** Throws UnavailableError when the database does not answer. */
  ping(): Promise<void>;
  /** Whether the store can take writes: a write probe (cached a few seconds) and the last refused write (write-health.ts). */
  health(): Promise<DbHealth>;
  close(): Promise<void>;
}

/** A single session: multi-statement SQL and explicit transaction control are allowed here. */
export interface SessionDb extends Queryable {
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Queryable & { exec(sql: string): Promise<void> }) => Promise<T>): Promise<T>;
}

/** Type ids whose parsing must agree across both engines. */
export const PG_TYPE = { INT8: 20, DATE: 1082, NUMERIC: 1700 } as const;
