import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAL_TABLES, TABLES } from '../../src/store/personal-data-repo.js';
import { exportPersonData } from '../../src/directory/personal-data.js';
import { createSubjectKeys } from '../../src/store/subject-keys.js';
import { openTestStore, type TestStore } from '../helpers/store.js';

const DOC = join(import.meta.dirname, '../../docs/data-protection.md');

/**
 * The record of processing stays complete: every table a migration creates is in docs/data-protection.md and in the
 * export/erasure code's list (src/store/personal-data-repo.ts), as holding personal data (exported and erased) or
 * as holding none (with the reason). A new table fails here until both say what it holds.
 */
describe('record of processing', () => {
  let t: TestStore;
  let tables: string[];
  let doc: string;

  beforeAll(async () => {
    t = await openTestStore('postgres');
    const r = await t.store.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    tables = r.rows.map((x) => x.table_name);
    doc = await readFile(DOC, 'utf8');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the migrations create tables (the query sees the schema)', () => {
    expect(tables).toContain('people');
    expect(tables.length).toBeGreaterThan(10);
  });

  it('every table is in the export/erasure code, as personal (exported and erased) or not (with the reason)', () => {
    const known = new Set(TABLES.map((x) => x.table));
    const missing = tables.filter((name) => !known.has(name));
    expect(missing, `add these tables to TABLES in src/store/personal-data-repo.ts`).toEqual([]);
    const stale = [...known].filter((name) => !tables.includes(name));
    expect(stale, 'TABLES lists tables no migration creates').toEqual([]);
    for (const p of TABLES) {
      if (p.personal) expect(p.holds.length, p.table).toBeGreaterThan(10);
      else expect(p.why.length, p.table).toBeGreaterThan(5);
    }
  });

  it('every table has a row in docs/data-protection.md', () => {
    const rows = new Set([...doc.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]));
    const missing = tables.filter((name) => !rows.has(name));
    expect(missing, 'add a row for these tables to docs/data-protection.md (what, why, how long, export, erasure)').toEqual([]);
    // A personal table's row fills every column.
    for (const p of PERSONAL_TABLES) {
      const line = doc.split('\n').find((l) => l.startsWith(`| \`${p.table}\` |`))!;
      const cells = line.split('|').slice(2, -1).map((c) => c.trim());
      expect(cells.filter(Boolean).length, `docs/data-protection.md row for ${p.table}`).toBe(6 - 1);
    }
  });

  it("an export has a section for every personal table, also when it is empty", async () => {
    await t.store.directory.upsertPerson({ name: 'Doc Test', email: 'doc.test@example.org' });
    const exported = await exportPersonData(t.store, createSubjectKeys(t.store.settings), { email: 'doc.test@example.org' });
    expect(Object.keys(exported.records).sort()).toEqual(PERSONAL_TABLES.map((p) => p.table).sort());
  });
});
