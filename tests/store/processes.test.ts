import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPgDb } from '../../src/store/pg-db.js';
import { createPgliteDb } from '../../src/store/pglite-db.js';
import { runMigrations, listMigrations } from '../../src/store/migrate.js';
import { createTestSchema, TEST_DATABASE_URL } from '../helpers/store.js';
import { UnavailableError } from '../../src/errors.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process (bounded by a timeout). */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli.ts', ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('CLI and processes', () => {
  it('imports a directory idempotently, exports CSV, and a second process on the same PGlite dir fails clearly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camden-cli-'));
    try {
      const first = await cli(['directory', 'import', 'config/directory.example.yaml'], { DATA_DIR: dir });
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('centre london-ai-campus: created');
      expect(first.stdout).toContain('centres: 4 created');
      const second = await cli(['directory', 'import', 'config/directory.example.yaml'], { DATA_DIR: dir });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('(nothing changed)');

      const bad = join(dir, 'bad.yaml');
      await writeFile(bad, 'centres:\n  - id: a\n    name: A\n    colour: red\n');
      const rejected = await cli(['directory', 'import', bad], { DATA_DIR: dir });
      expect(rejected.code).toBe(1);
      expect(rejected.stderr).toContain('line 4: centres[0].colour: unknown key "colour"');

      const csv = await cli(['attendance', 'export', '--from', '2026-01-01', '--to', '2026-03-31', '--centre', 'acland-burghley'], { DATA_DIR: dir });
      expect(csv.code).toBe(0);
      expect(csv.stdout.startsWith('\uFEFFcentre_id,')).toBe(true);
      const badRange = await cli(['attendance', 'export', '--from', '2026-03-01', '--to', '2026-01-01'], { DATA_DIR: dir });
      expect(badRange.code).toBe(1);
      expect(badRange.stderr).toContain('--to (2026-01-01) is before --from (2026-03-01)');
      expect((await cli(['attendance', 'export', '--from', '2026-01-01'], { DATA_DIR: dir })).code).toBe(2);

      // This test process holds the embedded database: the CLI must refuse and name our pid.
      const db = await createPgliteDb({ dataDir: dir });
      try {
        const locked = await cli(['directory', 'list'], { DATA_DIR: dir });
        expect(locked.code).toBe(1);
        expect(locked.stderr).toContain(`already open in another process (pid ${process.pid})`);
      } finally {
        await db.close();
      }
      expect((await readFile(join(dir, 'pglite.lock'), 'utf8').catch(() => 'gone'))).toBe('gone');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000); // seven child processes, each opening PGlite, on a shared 2-core machine

  it('two stores opening a fresh Postgres schema together apply the real migrations once', async () => {
    const { schema, drop } = await createTestSchema();
    const a = createPgDb({ connectionString: TEST_DATABASE_URL, schema });
    const b = createPgDb({ connectionString: TEST_DATABASE_URL, schema });
    try {
      const [ra, rb] = await Promise.all([runMigrations(a), runMigrations(b)]);
      const files = await listMigrations();
      expect([...ra.applied, ...rb.applied].sort()).toEqual(files);
      expect(ra.applied.length === 0 || rb.applied.length === 0).toBe(true);
    } finally {
      await a.close();
      await b.close();
      await drop();
    }
  });

  it('a terminated Postgres connection surfaces as UnavailableError, and the pool recovers', async () => {
    const { schema, drop } = await createTestSchema();
    const db = createPgDb({ connectionString: TEST_DATABASE_URL, schema, max: 1 });
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const pid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      // Settled into a value at once: its rejection may come before the terminate call returns, and an unobserved
      // rejection at that moment would be reported as unhandled.
      const slow = db.query('SELECT pg_sleep(5)').then(
        () => null,
        (err: unknown) => err,
      );
      // Wait (bounded) until the sleep is running on that backend, then terminate it.
      for (let i = 0; i < 50; i++) {
        const r = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'`, [pid]);
        if (r.rows.length) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      expect(await slow).toBeInstanceOf(UnavailableError);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    } finally {
      await admin.end();
      await db.close();
      await drop();
    }
  });
});
