import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, tempDir } from './helpers.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'app/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, KNOWLEDGE_DIR: CORPUS_DIR, KNOWLEDGE_CACHE_DIR: join(dir, 'cache'), OPENAI_API_KEY: '', LOG_LEVEL: 'warn', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => cleanup());

describe('CLI', () => {
  it('ask --json prints one JSON object with answered, answer and citations', async () => {
    const r = await cli(['ask', '--json', 'Which NPQs does Camden Learning offer?']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const a = JSON.parse(lines[0]!);
    expect(a.answered).toBe(true);
    expect(a.answer).toMatch(/NPQSL/);
    expect(a.citations[0]).toEqual({
      source: 'building-back-stronger-annual-report-2024-25.md',
      title: expect.stringMatching(/^Building Back Stronger/),
      section: expect.stringMatching(/^Goal 6:/),
      excerpt: expect.any(String),
    });
  });

  it('ask prints the answer and its sources; it declines off-topic questions', async () => {
    const r = await cli(['ask', 'What is the NPQSL pass rate?']);
    expect(r.stdout).toMatch(/100% pass rate[\s\S]*\nSources:\n\[1\] Building Back Stronger/);
    const off = await cli(['ask', 'What is the capital of France?']);
    expect(off.stdout).toMatch(/do not cover that/);
    expect(off.stdout).not.toContain('Sources:');
  });

  it('ask --json --batch answers one line per question, keeping ids, and reports bad lines', async () => {
    const file = join(dir, 'batch.jsonl');
    await writeFile(file, '{"id":"q1","question":"What is AI Connect?"}\n{"id":2,"question":"What is the capital of France?"}\nnot json\n');
    const r = await cli(['ask', '--json', '--batch', file]);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ id: 'q1', answered: true });
    expect(lines[1]).toMatchObject({ id: 2, answered: false, citations: [] });
    expect(lines[2]).toEqual({ id: null, error: 'line 3: not valid JSON' });
    expect(r.code).toBe(1);
  });

  it('eval prints failures and ends with "eval: N/M passed"', async () => {
    const file = join(dir, 'qs.jsonl');
    await writeFile(file, '{"id":"a","question":"What is the NPQSL pass rate?","expect_any":["100% pass rate"]}\n{"id":"b","question":"What is the NPQSL pass rate?","expect_any":["banana"]}\n');
    const r = await cli(['eval', file]);
    expect(r.stdout).toMatch(/^FAIL b: What is the NPQSL pass rate\?/m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('eval: 1/2 passed');
    expect(r.code).toBe(1);
  });

  it('kb ingest puts documents in the store, kb list shows what it holds, kb remove takes one out; a bad file changes nothing', async () => {
    const kbDir = join(dir, 'kb');
    const env = { KNOWLEDGE_DIR: kbDir, DATA_DIR: join(dir, 'data'), DATABASE_URL: '' };
    const doc = join(dir, 'trips.md');
    await writeFile(doc, '# Trips\n\n## Forms\n\nTrip consent forms go to the school office.\n');
    const ingest = await cli(['kb', 'ingest', doc], env);
    expect(ingest.stdout).toContain('added trips.md');
    expect(ingest.stdout).toContain('in the store: trips.md (every bot answers from it within 30 s)');
    const list = await cli(['kb', 'list'], env);
    expect(list.stdout).toMatch(/^trips\.md\tmd\t1 chunks\t1 sections\tTrips\tv1 \d{4}-\d\d-\d\d \d\d:\d\d\tfrom .*kb$/m);
    expect(list.stdout).toContain('1 documents, 1 chunks');
    const bad = join(dir, 'bad.pdf');
    await writeFile(bad, 'nope');
    const refused = await cli(['kb', 'ingest', bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/nothing was ingested[\s\S]*bad\.pdf: not a readable PDF file/);

    const unknown = await cli(['kb', 'remove', 'nope.md'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not in the store: nope.md; nothing was removed');
    const removed = await cli(['kb', 'remove', 'trips.md'], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('removed trips.md');
    expect(removed.stdout).toContain('will not be imported again unless changed or ingested with kb ingest');
    expect((await cli(['kb', 'list'], env)).stdout).toContain('The store holds no documents');
    // Ingesting it again brings it back.
    expect((await cli(['kb', 'ingest', doc], env)).stdout).toContain('in the store: trips.md');
    expect((await cli(['kb', 'list'], env)).stdout).toMatch(/^trips\.md\tmd\t1 chunks\t.*\tv3 /m);
  }, 240_000); // eight CLI runs, each opening the embedded database

  it('explains bad usage', async () => {
    const r = await cli(['ask']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ask: give a question/);
  });
});
