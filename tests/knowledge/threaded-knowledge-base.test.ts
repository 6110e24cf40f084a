import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError, UnavailableError, ValidationError } from '../../src/errors.js';
import type { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { ThreadedKnowledgeBase, type ThreadedKnowledgeBaseOptions } from '../../src/knowledge/threaded-knowledge-base.js';
import { CORPUS_DIR, corpusKb, QUESTIONS_FILE, silentLogger, tempDir } from './helpers.js';

const KESTREL = '# Kestrel Trips\n\n## Residential trips\n\nThe Kestrel residential trip to Dorset runs every June for Year 6 pupils.\n';
const HERON = '# Heron Library\n\n## Opening hours\n\nThe Heron Library opens for pupils at 8am every weekday during term.\n';
const TEST_WORKER = new URL('./threaded-test-worker.ts', import.meta.url);
const ROOT = join(import.meta.dirname, '../..');

const questions = readFileSync(QUESTIONS_FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l) as { question: string });

const opened: ThreadedKnowledgeBase[] = [];
async function threaded(options: Partial<ThreadedKnowledgeBaseOptions> = {}): Promise<ThreadedKnowledgeBase> {
  const kb = await ThreadedKnowledgeBase.start({ dir: CORPUS_DIR, logger: silentLogger, ...options });
  opened.push(kb);
  return kb;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((kb) => kb.close()));
});

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('threaded knowledge base: same answers as in process', () => {
  let local: KnowledgeBase;
  beforeAll(async () => {
    local = await corpusKb();
  });

  it('answers the eval questions exactly as the in-process knowledge base does', async () => {
    const kb = await threaded();
    expect({ ...kb.stats(), loadedAt: null }).toEqual({ ...local.stats(), loadedAt: null });
    expect(kb.stats().loadedAt).toBeInstanceOf(Date);
    for (const { question } of questions) {
      expect(await kb.answerDetailed(question)).toEqual(await local.answerDetailed(question));
    }
    const followUp = { context: 'What are the three ambitions of the education strategy?' };
    expect(await kb.answer('And the second one?', followUp)).toEqual(await local.answer('And the second one?', followUp));
    expect(await kb.search('Camden School Report', 3)).toEqual(local.search('Camden School Report', 3));
    expect(await kb.list()).toEqual(local.list());
    expect(await kb.failures()).toEqual(local.failures());
    expect(await kb.fingerprint()).toBe(await local.fingerprint());
    expect(await kb.changedOnDisk()).toBe(false);
  });
});

describe('threaded knowledge base: reload, ingest and errors through the worker', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('kb-threaded-'));
  });
  afterAll(async () => cleanup());

  it('reloads changed files and ingests new ones; stats() follows synchronously', async () => {
    await writeFile(join(dir, 'kestrel.md'), KESTREL);
    const kb = await threaded({ dir });
    expect(kb.stats()).toMatchObject({ documents: 1, failures: 0 });
    expect((await kb.answer('When does the Heron Library open?')).answered).toBe(false);

    await writeFile(join(dir, 'heron.md'), HERON);
    expect(await kb.changedOnDisk()).toBe(true);
    const report = await kb.reload();
    expect(report.documents.map((d) => d.source)).toEqual(['heron.md', 'kestrel.md']);
    expect(report.loadedAt).toBeInstanceOf(Date);
    expect(kb.stats()).toMatchObject({ documents: 2, chunks: report.chunks });
    expect(await kb.changedOnDisk()).toBe(false);
    expect((await kb.answer('When does the Heron Library open?')).answer).toContain('8am');

    const other = await tempDir('kb-threaded-src-');
    try {
      const osprey = join(other.dir, 'osprey.md');
      await writeFile(osprey, '# Osprey Swimming\n\n## Lessons\n\nOsprey swimming lessons for Year 4 run on Thursday afternoons at the Swiss Cottage pool.\n');
      const ingested = await kb.ingest([osprey]);
      expect(ingested.added).toEqual(['osprey.md']);
      expect(kb.stats().documents).toBe(3);
      expect((await kb.list()).map((d) => d.source)).toContain('osprey.md');
      expect((await kb.answer('When are the Osprey swimming lessons?')).answer).toContain('Thursday');
    } finally {
      await other.cleanup();
    }
  });

  it('re-creates the worker’s typed errors on the main thread', async () => {
    const kb = await threaded({ dir });
    const empty = await caught(kb.answer('   '));
    expect(empty).toBeInstanceOf(ValidationError);
    expect(empty).toMatchObject({ code: 'validation_failed', name: 'ValidationError', problems: [{ field: 'question' }] });

    const missing = join(dir, 'no-such-file.md');
    const ingest = (await caught(kb.ingest([missing]))) as ValidationError;
    expect(ingest).toBeInstanceOf(ValidationError);
    expect(ingest.problems).toEqual([{ field: 'no-such-file.md', message: 'no-such-file.md: file not found.' }]);
    expect(ingest.message).toMatch(/^Nothing was ingested\./);

    const emptied = await tempDir('kb-threaded-empty-');
    try {
      await writeFile(join(emptied.dir, 'kestrel.md'), KESTREL);
      const kb2 = await threaded({ dir: emptied.dir });
      await rm(join(emptied.dir, 'kestrel.md'));
      const reload = await caught(kb2.reload());
      expect(reload).toBeInstanceOf(AppError);
      expect(reload).toMatchObject({ code: 'knowledge_empty' });
      expect(kb2.stats().documents).toBe(1); // the old index is kept
    } finally {
      await emptied.cleanup();
    }
  });
});

describe('threaded knowledge base: worker failures', () => {
  it('fails the call in flight with UnavailableError when the worker dies, then restarts it and answers again', async () => {
    const kb = await threaded({ workerUrl: TEST_WORKER, restartDelayMs: 20 });
    const before = kb.stats();
    const err = await caught(kb.answer('crash the worker'));
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as UnavailableError).message).toMatch(/please ask again/);
    // The next call waits for the new worker.
    const answer = await kb.answer('What is the Camden School Report?');
    expect(answer.answered).toBe(true);
    expect(kb.stats()).toMatchObject({ documents: before.documents, chunks: before.chunks });
  });

  it('stops restarting after the bounded attempts, then tries again once the window has passed', async () => {
    const { dir, cleanup } = await tempDir('kb-threaded-crash-');
    try {
      await writeFile(join(dir, 'kestrel.md'), KESTREL);
      const kb = await threaded({ dir, workerUrl: TEST_WORKER, maxRestarts: 2, restartDelayMs: 10, restartWindowMs: 1_500 });
      await writeFile(join(dir, '.crash-on-start'), '');
      expect(await caught(kb.answer('crash the worker'))).toBeInstanceOf(UnavailableError);
      // Both restarts exit while loading; the call waiting for them gets a clear error.
      const down = await caught(kb.answer('When does the Kestrel residential trip run?'));
      expect(down).toBeInstanceOf(UnavailableError);
      expect((down as UnavailableError).code).toBe('unavailable');
      expect(await caught(kb.changedOnDisk())).toBeInstanceOf(UnavailableError);

      await rm(join(dir, '.crash-on-start'));
      await new Promise((r) => setTimeout(r, 1_600));
      expect((await kb.answer('When does the Kestrel residential trip run?')).answer).toContain('June');
    } finally {
      await cleanup();
    }
  });

  it('rejects the first start with the worker’s error when the worker cannot load', async () => {
    const { dir, cleanup } = await tempDir('kb-threaded-nostart-');
    try {
      await writeFile(join(dir, '.crash-on-start'), '');
      const err = await caught(ThreadedKnowledgeBase.start({ dir, logger: silentLogger, workerUrl: TEST_WORKER }));
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as Error).message).toMatch(/exited while loading \(code 4\)/);
    } finally {
      await cleanup();
    }
  });
});

describe('threaded knowledge base: close', () => {
  it('fails calls after close() with UnavailableError; closing twice is safe', async () => {
    const kb = await threaded();
    const inFlight = caught(kb.answer('What is the Camden School Report?'));
    await kb.close();
    await kb.close();
    expect(await inFlight).toBeInstanceOf(UnavailableError);
    expect(await caught(kb.answer('What is the Camden School Report?'))).toBeInstanceOf(UnavailableError);
  });

  it('fails a call waiting for a restart when close() comes during the backoff', async () => {
    const kb = await threaded({ workerUrl: TEST_WORKER, restartDelayMs: 30_000 });
    expect(await caught(kb.answer('crash the worker'))).toBeInstanceOf(UnavailableError);
    const waiting = caught(kb.answer('What is the Camden School Report?'));
    await new Promise((r) => setTimeout(r, 50));
    await kb.close();
    const err = await waiting;
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toMatch(/shut down/);
  });

  it('under `node --import tsx` (as npm start) answers, and after close() the process exits on its own', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string; timedOut: boolean }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'tests/knowledge/threaded-child.ts', CORPUS_DIR, 'What is the Camden School Report?', ...args], {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        let timedOut = false;
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, 30_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, out, timedOut });
        });
      });
    const closed = await run([]);
    expect(closed.timedOut).toBe(false);
    expect(closed.code).toBe(0);
    const result = JSON.parse(closed.out) as { execArgv: string[]; answer: { answered: boolean; answer: string }; stats: { documents: number } };
    expect(result.execArgv).toEqual(['--import', 'tsx']);
    expect(result.answer.answered).toBe(true);
    expect(result.stats.documents).toBeGreaterThan(0);
  });
});
