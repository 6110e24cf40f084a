import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, openTestStore, createTestSchema, TEST_DATABASE_URL, type TestStore } from '../helpers/store.js';
import { createPgDb } from '../../src/store/pg-db.js';
import { createPgliteDb } from '../../src/store/pglite-db.js';
import { listMigrations, runMigrations } from '../../src/store/migrate.js';
import { StoreLockedError } from '../../src/store/lock-file.js';
import { openStore } from '../../src/store/open-store.js';
import { UnavailableError } from '../../src/errors.js';
import { createSettingsRepo } from '../../src/store/settings-repo.js';
import type { Queryable } from '../../src/store/db.js';

describe.each(ENGINES)('store on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records every migration file once', async () => {
    const files = await listMigrations();
    const r = await t.store.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(r.rows.map((x) => x.name)).toEqual(files);
    const again = await runMigrations(t.store.db);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(files.length);
    // The unused generic claims table is gone (deliveries use bot_deliveries, notifications notification_claims).
    expect((await t.store.db.query<{ t: string | null }>(`SELECT to_regclass('claims')::text AS t`)).rows[0]!.t).toBeNull();
  });

  it('rolls a failed transaction back', async () => {
    await expect(
      t.store.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO settings (key, value) VALUES ('tx', 'a')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await t.store.db.query(`SELECT 1 FROM settings WHERE key = 'tx'`)).rows).toEqual([]);
  });

  it('returns dates as YYYY-MM-DD strings and bigint counts as numbers', async () => {
    const r = await t.store.db.query<{ d: string; n: number }>(`SELECT DATE '2026-03-30' AS d, count(*) AS n FROM settings`);
    expect(r.rows[0]!.d).toBe('2026-03-30');
    expect(typeof r.rows[0]!.n).toBe('number');
  });

  it('keeps a per-installation secret stable', async () => {
    const a = await t.store.settings.installationSecret('test_secret');
    const b = await t.store.settings.installationSecret('test_secret');
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(32);
  });

  it('reads an installation secret once per process, and reads again after a failed read', async () => {
    let failNext = true;
    let queries = 0;
    const flaky: Queryable = {
      query: (sql, params) => {
        queries++;
        if (failNext) {
          failNext = false;
          return Promise.reject(new UnavailableError('The database is not reachable right now.'));
        }
        return t.store.db.query(sql, params);
      },
    };
    const settings = createSettingsRepo(flaky);
    await expect(settings.installationSecret('flaky_secret')).rejects.toBeInstanceOf(UnavailableError);
    const secret = await settings.installationSecret('flaky_secret');
    expect(secret).toBe(await t.store.settings.installationSecret('flaky_secret'));
    const after = queries;
    expect(await settings.installationSecret('flaky_secret')).toBe(secret);
    expect(queries).toBe(after);
  });

  it('reports health', async () => {
    const h = await t.store.health();
    expect(h).toMatchObject({ ok: true, engine });
  });
});

describe('migration runner on postgres', () => {
  it('applies each file once when two runners start together', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camden-mig-'));
    // A deliberately non-idempotent migration: running it twice would fail on the duplicate table.
    await writeFile(join(dir, '0001_a.sql'), 'CREATE TABLE t_a (id int PRIMARY KEY); INSERT INTO t_a VALUES (1);');
    await writeFile(join(dir, '0002_b.sql'), 'CREATE TABLE t_b (id int PRIMARY KEY); SELECT pg_sleep(0.2);');
    await writeFile(join(dir, 'README.md'), 'not a migration');
    const { schema, drop } = await createTestSchema();
    const a = createPgDb({ connectionString: TEST_DATABASE_URL, schema });
    const b = createPgDb({ connectionString: TEST_DATABASE_URL, schema });
    try {
      const [ra, rb] = await Promise.all([runMigrations(a, { dir }), runMigrations(b, { dir })]);
      expect([...ra.applied, ...rb.applied].sort()).toEqual(['0001_a.sql', '0002_b.sql']);
      const rows = await a.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      expect(rows.rows.map((r) => r.name)).toEqual(['0001_a.sql', '0002_b.sql']);
      // A file added later is picked up by the next run.
      await writeFile(join(dir, '0200_slack.sql'), 'CREATE TABLE t_c (id int);');
      expect((await runMigrations(b, { dir })).applied).toEqual(['0200_slack.sql']);
    } finally {
      await a.close();
      await b.close();
      await drop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rolls back a failing migration and names it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camden-mig-'));
    await writeFile(join(dir, '0001_ok.sql'), 'CREATE TABLE ok_t (id int);');
    await writeFile(join(dir, '0002_bad.sql'), 'CREATE TABLE bad_t (id int); SELECT * FROM no_such_table;');
    const { schema, drop } = await createTestSchema();
    const db = createPgDb({ connectionString: TEST_DATABASE_URL, schema });
    try {
      await expect(runMigrations(db, { dir })).rejects.toMatchObject({ code: 'migration_failed', file: '0002_bad.sql' });
      const t = await db.query<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'bad_t'`, [schema]);
      expect(t.rows[0]!.n).toBe(0);
      const m = await db.query<{ name: string }>('SELECT name FROM schema_migrations');
      expect(m.rows.map((r) => r.name)).toEqual(['0001_ok.sql']);
    } finally {
      await db.close();
      await drop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('maps a refused connection to UnavailableError', async () => {
    const db = createPgDb({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      await expect(db.query('SELECT 1')).rejects.toBeInstanceOf(UnavailableError);
      expect((await db.health()).ok).toBe(false);
    } finally {
      await db.close();
    }
  });
});

describe('PGlite lock file', () => {
  it('refuses a second open naming the holder, and cleans a stale lock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camden-lock-'));
    try {
      const first = await createPgliteDb({ dataDir: dir });
      try {
        const err = await createPgliteDb({ dataDir: dir }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreLockedError);
        expect((err as StoreLockedError).message).toContain(`pid ${process.pid}`);
        expect((err as StoreLockedError).message).toContain('DATABASE_URL');
      } finally {
        await first.close();
      }
      // A lock left by a process that no longer exists is taken over.
      await writeFile(join(dir, 'pglite.lock'), '2147483646');
      const store = await openStore({ DATABASE_URL: undefined, DATA_DIR: dir });
      expect(await readFile(join(dir, 'pglite.lock'), 'utf8')).toBe(String(process.pid));
      const kept = await store.settings.installationSecret('reopen_test');
      await store.close();
      // A lock naming our own pid that we do not hold was left by an earlier run with the same pid (containers).
      await writeFile(join(dir, 'pglite.lock'), String(process.pid));
      const reused = await openStore({ DATABASE_URL: undefined, DATA_DIR: dir });
      await reused.close();
      // Reopening keeps the data.
      const again = await openStore({ DATABASE_URL: undefined, DATA_DIR: dir });
      expect(await again.settings.installationSecret('reopen_test')).toBe(kept);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
