import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { ensurePgliteTemplate, initdbInChild, initialisePgliteDir, PgliteInitError } from '../../src/store/pglite-init.js';
import { createPgliteDb, StoreStartError } from '../../src/store/pglite-db.js';

describe('a new embedded database', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'camden-pglite-init-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is a copy of the template made once by initdb in a child process; an existing one is opened as it is', async () => {
    const template = await ensurePgliteTemplate();
    expect(template && existsSync(join(template, 'PG_VERSION'))).toBe(true);
    const dir = join(root, 'a', 'pglite');
    await mkdir(join(root, 'a'), { recursive: true });
    expect(await initialisePgliteDir(dir)).toBe('template');
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    expect(await initialisePgliteDir(dir)).toBe('existing');
    // No scratch copies left beside it.
    expect(await readdir(join(root, 'a'))).toEqual(['pglite']);
  });

  it('leaves alone a folder that holds other files (PGlite decides what it is)', async () => {
    const dir = join(root, 'b', 'pglite');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'notes.txt'), 'not a database');
    expect(await initialisePgliteDir(dir)).toBe('left-alone');
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('reports a failed initdb as PgliteInitError with the reason', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    await expect(initdbInChild(join(file, 'pglite'))).rejects.toBeInstanceOf(PgliteInitError);
  });
});

describe('PGlite settings', () => {
  const show = async (dataDir: string, settings?: Record<string, string>) => {
    const store = await openStore({ DATABASE_URL: undefined, DATA_DIR: dataDir, PGLITE_SETTINGS: settings });
    try {
      const rows = (await store.db.query<{ name: string; value: string }>(
        "SELECT name, current_setting(name) AS value FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'temp_buffers', 'max_connections') ORDER BY name",
      )).rows;
      return Object.fromEntries(rows.map((r) => [r.name, r.value]));
    } finally {
      await store.close();
    }
  };

  it('are small by default and PGLITE_SETTINGS overrides them', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'camden-pglite-settings-'));
    try {
      expect(await show(dataDir)).toEqual({ maintenance_work_mem: '8MB', max_connections: '4', shared_buffers: '4MB', temp_buffers: '1MB', work_mem: '2MB' });
      expect(await show(dataDir, { shared_buffers: '32MB', work_mem: '4MB' })).toMatchObject({ shared_buffers: '32MB', work_mem: '4MB' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a setting Postgres refuses stops the store with Postgres\' reason, and frees the data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'camden-pglite-settings-'));
    try {
      const err = await createPgliteDb({ dataDir, settings: { shared_bufers: '32MB' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreStartError);
      expect((err as Error).message).toMatch(/unrecognized configuration parameter "shared_bufers".*PGLITE_SETTINGS/);
      const db = await createPgliteDb({ dataDir });
      await db.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
