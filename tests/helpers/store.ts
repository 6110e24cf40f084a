import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPgDb, quoteIdent } from '../../src/store/pg-db.js';
import { createPgliteDb } from '../../src/store/pglite-db.js';
import { runMigrations } from '../../src/store/migrate.js';
import { createStore, type Store } from '../../src/store/store.js';

export type TestEngine = 'pglite' | 'postgres';

/** Both engines, for `describe.each(ENGINES)`. */
export const ENGINES: TestEngine[] = ['pglite', 'postgres'];

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  store: Store;
  /** Postgres: the isolated schema; PGlite: the temp data dir. */
  location: string;
  close(): Promise<void>;
}

let counter = 0;

/** A schema name unique to this test run, worker and call. */
export function uniqueSchemaName(): string {
  const run = (process.env.TEST_RUN_ID ?? `t${Date.now().toString(36)}`).toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${run}_${process.pid}_${++counter}`;
}

/** Creates an empty schema; returns a function that drops it. */
export async function createTestSchema(schema = uniqueSchemaName()): Promise<{ schema: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  } finally {
    await admin.end();
  }
  return {
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * A fresh, migrated, isolated store. PGlite: in a new temp dir (removed on close). Postgres: in a new schema named
 * from TEST_RUN_ID + pid + counter, set as search_path on every pooled connection, dropped on close.
 */
export async function openTestStore(engine: TestEngine, opts: { poolSize?: number } = {}): Promise<TestStore> {
  if (engine === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'camden-store-'));
    const db = await createPgliteDb({ dataDir: dir });
    try {
      await runMigrations(db);
    } catch (err) {
      await db.close();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    const store = createStore(db);
    return {
      store,
      location: dir,
      async close() {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const { schema, drop } = await createTestSchema();
  const db = createPgDb({ connectionString: TEST_DATABASE_URL, schema, max: opts.poolSize ?? 20 });
  try {
    await runMigrations(db);
  } catch (err) {
    await db.close();
    await drop();
    throw err;
  }
  const store = createStore(db);
  return {
    store,
    location: schema,
    async close() {
      await store.close();
      await drop();
    },
  };
}
