import { readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { silentLogger, tempDir } from './helpers.js';

const KESTREL = '# Kestrel Trips\n\n## Residential trips\n\nThe Kestrel residential trip to Dorset runs every June for Year 6 pupils.\n';
const HERON = '# Heron Library\n\n## Opening hours\n\nThe Heron Library opens for pupils at 8am every weekday during term.\n';

let dir: string;
let cleanup: () => Promise<void>;
let kb: KnowledgeBase;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeFile(join(dir, 'kestrel.md'), KESTREL);
  kb = new KnowledgeBase({ dir, logger: silentLogger });
  await kb.reload();
});

afterEach(async () => cleanup());

describe('reloading without a restart', () => {
  it('keeps answering from the old index while a new one is built, then swaps', async () => {
    await writeFile(join(dir, 'heron.md'), HERON);
    const before = kb.stats();
    const reload = kb.reload();
    // The reload is under way (it reads files asynchronously); questions are answered from the old index.
    const during = await kb.answer('When does the Heron Library open?');
    expect(during.answered).toBe(false);
    expect(kb.stats()).toEqual(before);
    const report = await reload;
    expect(report.documents.map((d) => d.source)).toEqual(['heron.md', 'kestrel.md']);
    const after = await kb.answer('When does the Heron Library open?');
    expect(after.answered).toBe(true);
    expect(after.answer).toContain('8am');
    expect(kb.stats().documents).toBe(2);
    expect(kb.stats().loadedAt!.getTime()).toBeGreaterThanOrEqual(before.loadedAt!.getTime());
  });

  it('runs concurrent reloads one after the other; every answer meanwhile comes from a complete index', async () => {
    await writeFile(join(dir, 'heron.md'), HERON);
    const reloads = [kb.reload(), kb.reload(), kb.reload()];
    const answers = await Promise.all(Array.from({ length: 20 }, () => kb.answer('When does the Kestrel residential trip run?')));
    for (const a of answers) {
      expect(a.answered).toBe(true);
      expect(a.answer).toContain('June');
    }
    const reports = await Promise.all(reloads);
    expect(reports.every((r) => r.documents.length === 2)).toBe(true);
  });

  it('tells a nightly job when files changed on disk', async () => {
    expect(await kb.changedOnDisk()).toBe(false);
    const fp = await kb.fingerprint();
    await writeFile(join(dir, 'kestrel.md'), KESTREL.replace('June', 'July'));
    expect(await kb.changedOnDisk()).toBe(true);
    expect(await kb.fingerprint()).not.toBe(fp);
    await kb.reload();
    expect(await kb.changedOnDisk()).toBe(false);
    expect((await kb.answer('When does the Kestrel residential trip run?')).answer).toContain('July');
    // Files the index cannot use do not count as changes.
    await writeFile(join(dir, 'notes.xyz'), 'x');
    expect(await kb.changedOnDisk()).toBe(false);
  });

  it('answers repeated checks from file sizes and times, and still sees a same-size edit, a rewrite and a removal', async () => {
    const file = join(dir, 'kestrel.md');
    const settle = (msAgo: number) => utimes(file, new Date(Date.now() - msAgo), new Date(Date.now() - msAgo));
    await settle(60_000);
    expect(await kb.changedOnDisk()).toBe(false);
    expect(await kb.changedOnDisk()).toBe(false);
    await writeFile(file, KESTREL.replace('June', 'Julz')); // same length
    expect(await kb.changedOnDisk()).toBe(true);
    await settle(30_000);
    expect(await kb.changedOnDisk()).toBe(true);
    expect(await kb.changedOnDisk()).toBe(true);
    await kb.reload();
    expect(await kb.changedOnDisk()).toBe(false);
    await writeFile(file, KESTREL.replace('June', 'Julz')); // written again, same contents
    await settle(10_000);
    expect(await kb.changedOnDisk()).toBe(false);
    await writeFile(join(dir, 'heron.md'), HERON);
    expect(await kb.changedOnDisk()).toBe(true);
    await kb.reload();
    await rm(join(dir, 'heron.md'));
    expect(await kb.changedOnDisk()).toBe(true);
  });

  it('keeps the current index when the folder has become empty or unreadable', async () => {
    await rm(join(dir, 'kestrel.md'));
    await expect(kb.reload()).rejects.toMatchObject({ code: 'knowledge_empty' });
    expect(kb.stats().documents).toBe(1);
    expect((await kb.answer('When does the Kestrel residential trip run?')).answered).toBe(true);
  });
});

describe('ingesting and listing', () => {
  it('copies files into the folder, replaces same-named ones and reloads', async () => {
    const { dir: src, cleanup: done } = await tempDir('kb-src-');
    try {
      await writeFile(join(src, 'heron.md'), HERON);
      await writeFile(join(src, 'kestrel.md'), KESTREL.replace('Dorset', 'Devon'));
      const report = await kb.ingest([join(src, 'heron.md'), join(src, 'kestrel.md')]);
      expect(report.added).toEqual(['heron.md']);
      expect(report.replaced).toEqual(['kestrel.md']);
      expect((await readdir(dir)).sort()).toEqual(['heron.md', 'kestrel.md']);
      expect(kb.list()).toEqual([
        { source: 'heron.md', title: 'Heron Library', format: 'md', chunks: 1, sections: 1 },
        { source: 'kestrel.md', title: 'Kestrel Trips', format: 'md', chunks: 1, sections: 1 },
      ]);
      expect((await kb.answer('Where does the Kestrel residential trip go?')).answer).toContain('Devon');
    } finally {
      await done();
    }
  });

  it('refuses the whole batch, copying nothing, when any file is unusable', async () => {
    const { dir: src, cleanup: done } = await tempDir('kb-src-');
    try {
      await writeFile(join(src, 'heron.md'), HERON);
      await writeFile(join(src, 'broken.pdf'), 'not a pdf');
      await writeFile(join(src, 'sheet.xlsx'), 'x');
      const err = await kb.ingest([join(src, 'heron.md'), join(src, 'broken.pdf'), join(src, 'sheet.xlsx'), join(src, 'missing.txt')]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      const messages = (err as ValidationError).problems.map((p) => p.message);
      expect(messages).toEqual([
        expect.stringMatching(/^broken\.pdf: not a readable PDF file/),
        expect.stringMatching(/^sheet\.xlsx: unsupported file type/),
        'missing.txt: file not found.',
      ]);
      expect(await readdir(dir)).toEqual(['kestrel.md']);
      expect(kb.stats().documents).toBe(1);
      await expect(kb.ingest([])).rejects.toBeInstanceOf(ValidationError);
    } finally {
      await done();
    }
  });
});

describe('on-disk index cache (for short-lived processes)', () => {
  it('reuses a cached index only while the documents are unchanged, and survives a corrupt cache', async () => {
    const { dir: cacheDir, cleanup: done } = await tempDir('kb-cache-');
    try {
      const first = new KnowledgeBase({ dir, logger: silentLogger, cacheDir });
      expect((await first.reload()).fromCache).toBe(false);
      const second = new KnowledgeBase({ dir, logger: silentLogger, cacheDir });
      const report = await second.reload();
      expect(report.fromCache).toBe(true);
      expect(second.list()).toEqual(first.list());
      const q = 'When does the Kestrel residential trip run?';
      expect(await second.answer(q)).toEqual(await first.answer(q));
      expect(second.search(q, 3).map((r) => [r.chunk.id, r.score])).toEqual(first.search(q, 3).map((r) => [r.chunk.id, r.score]));

      await writeFile(join(dir, 'kestrel.md'), KESTREL.replace('June', 'July'));
      const third = new KnowledgeBase({ dir, logger: silentLogger, cacheDir });
      expect((await third.reload()).fromCache).toBe(false);
      expect((await third.answer(q)).answer).toContain('July');

      for (const name of await readdir(cacheDir)) await writeFile(join(cacheDir, name), '{"key": broken');
      const fourth = new KnowledgeBase({ dir, logger: silentLogger, cacheDir });
      expect((await fourth.reload()).fromCache).toBe(false);
      expect((await fourth.answer(q)).answer).toContain('July');
    } finally {
      await done();
    }
  });
});
