import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFolder } from '../../src/knowledge/document-import.js';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { StoredKnowledgeBase } from '../../src/knowledge/stored-knowledge.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/store.js';
import { silentLogger, tempDir } from './helpers.js';

const KESTREL = '# Kestrel Trips\n\n## Residential trips\n\nThe Kestrel residential trip to Dorset runs every June for Year 6 pupils.\n';
const HERON = '# Heron Library\n\n## Opening hours\n\nThe Heron Library opens for pupils at 8am every weekday during term.\n';

describe.each(ENGINES)('documents in the store (%s)', (engine) => {
  let t: TestStore;
  let root: string;
  let cleanup: () => Promise<void>;
  let a: string;
  let b: string;

  const changes = async () =>
    (await t.store.db.query<{ source: string; version: number; action: string; via: string }>('SELECT source, version, action, via FROM knowledge_document_changes ORDER BY id')).rows;
  const row = async (source: string) =>
    (await t.store.db.query<{ version: number; updated_at: Date; removed_at: Date | null; removed_by: string | null; folder: string }>(
      'SELECT version, updated_at, removed_at, removed_by, folder FROM knowledge_documents WHERE source = $1',
      [source],
    )).rows[0];

  beforeEach(async () => {
    t = await openTestStore(engine);
    ({ dir: root, cleanup } = await tempDir('kb-store-'));
    a = join(root, 'a');
    b = join(root, 'b');
    await mkdir(a);
    await mkdir(b);
  });
  afterEach(async () => {
    await t?.close();
    await cleanup();
  });

  it('imports a folder once: an unchanged file is not written again, a changed one is updated and audited', async () => {
    await writeFile(join(a, 'kestrel.md'), KESTREL);
    await writeFile(join(a, 'notes.xyz'), 'not a document');
    const first = await importFolder(t.store.documents, a, silentLogger);
    expect(first.added).toEqual(['kestrel.md']);
    expect(first.failures.map((f) => f.source)).toEqual(['notes.xyz']);
    const stored = await row('kestrel.md');
    expect(stored).toMatchObject({ version: 1, folder: a, removed_at: null });
    const marker = await t.store.documents.marker();

    const again = await importFolder(t.store.documents, a, silentLogger);
    expect(again).toMatchObject({ added: [], updated: [], unchanged: ['kestrel.md'], removed: [] });
    expect(await row('kestrel.md')).toEqual(stored); // same version and updated_at: nothing written
    expect(await t.store.documents.marker()).toBe(marker);
    expect(await changes()).toHaveLength(1);

    await writeFile(join(a, 'kestrel.md'), KESTREL.replace('June', 'July'));
    expect((await importFolder(t.store.documents, a, silentLogger)).updated).toEqual(['kestrel.md']);
    expect((await row('kestrel.md'))!.version).toBe(2);
    expect(await t.store.documents.marker()).not.toBe(marker);
    const [doc] = await t.store.documents.contents();
    expect(Buffer.from(doc!.content).toString('utf8')).toContain('July');

    // A title given in sources.yaml is part of the document too.
    await writeFile(join(a, 'sources.yaml'), 'kestrel.md:\n  title: Kestrel residential trips\n');
    expect((await importFolder(t.store.documents, a, silentLogger)).updated).toEqual(['kestrel.md']);
    expect((await t.store.documents.list())[0]).toMatchObject({ source: 'kestrel.md', meta: { title: 'Kestrel residential trips' }, version: 3, folder: a });
    expect((await changes()).map((c) => `${c.action} ${c.version}`)).toEqual(['added 1', 'updated 2', 'updated 3']);
  });

  it("takes out a document whose file left its folder, never another folder's, and nothing when the folder is empty or missing", async () => {
    await writeFile(join(a, 'kestrel.md'), KESTREL);
    await writeFile(join(a, 'heron.md'), HERON);
    await importFolder(t.store.documents, a, silentLogger);
    // Folder b has neither file: importing it leaves a's documents alone.
    await writeFile(join(b, 'other.md'), '# Other\n\n## Part\n\nThe other folder has a document about rowing on the canal.\n');
    expect((await importFolder(t.store.documents, b, silentLogger)).removed).toEqual([]);
    expect((await t.store.documents.list()).map((d) => d.source)).toEqual(['heron.md', 'kestrel.md', 'other.md']);

    await rm(join(a, 'heron.md'));
    expect((await importFolder(t.store.documents, a, silentLogger)).removed).toEqual(['heron.md']);
    expect(await row('heron.md')).toMatchObject({ removed_by: 'folder' });
    expect((await t.store.documents.list()).map((d) => d.source)).toEqual(['kestrel.md', 'other.md']);

    // Emptied or unmounted: nothing is taken out.
    await rm(join(a, 'kestrel.md'));
    expect((await importFolder(t.store.documents, a, silentLogger)).removed).toEqual([]);
    await rm(a, { recursive: true });
    expect((await importFolder(t.store.documents, a, silentLogger)).removed).toEqual([]);
    expect((await t.store.documents.list()).map((d) => d.source)).toEqual(['kestrel.md', 'other.md']);

    // A file put back in its folder comes back.
    await mkdir(a);
    await writeFile(join(a, 'heron.md'), HERON);
    expect((await importFolder(t.store.documents, a, silentLogger)).restored).toEqual(['heron.md']);
  });

  it('a document taken out with kb remove stays out while its folder still holds the same file; a changed file or kb ingest brings it back', async () => {
    await writeFile(join(a, 'kestrel.md'), KESTREL);
    await importFolder(t.store.documents, a, silentLogger);
    expect(await t.store.documents.remove('kestrel.md', { by: 'kb remove', via: 'kb remove' })).toBe(true);
    expect(await t.store.documents.remove('kestrel.md', { by: 'kb remove', via: 'kb remove' })).toBe(false);
    expect(await t.store.documents.list()).toEqual([]);

    expect((await importFolder(t.store.documents, a, silentLogger)).keptRemoved).toEqual(['kestrel.md']);
    expect(await t.store.documents.list()).toEqual([]);
    expect((await importFolder(t.store.documents, a, silentLogger, { restore: ['kestrel.md'], via: 'kb ingest' })).restored).toEqual(['kestrel.md']);
    expect(await t.store.documents.list()).toHaveLength(1);

    await t.store.documents.remove('kestrel.md', { by: 'kb remove', via: 'kb remove' });
    await writeFile(join(a, 'kestrel.md'), KESTREL.replace('June', 'July'));
    expect((await importFolder(t.store.documents, a, silentLogger)).restored).toEqual(['kestrel.md']);
    expect((await changes()).map((c) => `${c.action} ${c.version} ${c.via}`)).toEqual([
      `added 1 folder ${a}`,
      'removed 2 kb remove',
      'restored 3 kb ingest',
      'removed 4 kb remove',
      `restored 5 folder ${a}`,
    ]);
  });

  it('two knowledge bases with different folders on one store answer from a document either folder brought, and both stop when it is removed', async () => {
    await writeFile(join(a, 'kestrel.md'), KESTREL);
    const kbA = new KnowledgeBase({ dir: a, logger: silentLogger });
    const kbB = new KnowledgeBase({ dir: b, logger: silentLogger });
    await Promise.all([kbA.reload(), kbB.reload()]);
    const storedA = await StoredKnowledgeBase.start(kbA, t.store.documents, a, silentLogger);
    const storedB = await StoredKnowledgeBase.start(kbB, t.store.documents, b, silentLogger);
    expect(storedB.stats().documents).toBe(1); // a's document, although b's folder is empty

    await writeFile(join(a, 'heron.md'), HERON);
    // Still settling (written just now): looked at once it has.
    expect((await storedA.reload()).rebuilt).toBe(false);
    const old = new Date(Date.now() - 10_000);
    for (const f of ['kestrel.md', 'heron.md']) await utimes(join(a, f), old, old);
    expect(await storedA.changedOnDisk()).toBe(true);
    expect((await storedA.reload()).rebuilt).toBe(true);
    expect(await storedB.changedOnDisk()).toBe(true);
    expect((await storedB.reload()).rebuilt).toBe(true);
    expect(await storedB.changedOnDisk()).toBe(false);
    const answer = await storedB.answer('When does the Heron Library open?');
    expect(answer.answered).toBe(true);
    expect(answer.citations[0]?.source).toBe('heron.md');

    await t.store.documents.remove('heron.md', { by: 'kb remove', via: 'kb remove' });
    for (const s of [storedA, storedB]) {
      expect(await s.changedOnDisk()).toBe(true);
      await s.reload();
      expect((await s.answer('When does the Heron Library open?')).answered).toBe(false);
      expect((await s.answer('When does the Kestrel residential trip run?')).answered).toBe(true);
    }
    // The last document removed empties the index (on purpose, unlike an emptied folder).
    await t.store.documents.remove('kestrel.md', { by: 'kb remove', via: 'kb remove' });
    await storedB.reload();
    expect(storedB.stats().documents).toBe(0);
  });
});
