import { waitFor } from '../helpers/wait.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../app/server.js';

const run = promisify(execFile);
const DOC = (title: string, body: string) => `# ${title}\n\n## Overview\n\n${body}\n`;

describe('a running bot reloads changed knowledge files by itself', () => {
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camden-watch-'));
    await writeFile(join(dir, 'first.md'), DOC('Mentoring guide', 'The mentoring scheme pairs pupils with volunteer mentors for a year.'));
    const config = loadConfig({ DATA_DIR: join(dir, 'data'), KNOWLEDGE_DIR: join(dir), JOBS_IN_PROCESS: 'false', LOG_LEVEL: 'silent' });
    server = await startServer({ config, logger: createLogger('silent'), port: 0, host: '127.0.0.1', knowledgeCheckMs: 200 });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('picks up a new document without a restart', async () => {
    const documents = async () => ((await (await fetch(`${server.url}/healthz`)).json()) as { index: { documents: number } }).index.documents;
    expect(await documents()).toBe(1);
    await writeFile(join(dir, 'second.md'), DOC('Rowing club', 'The rowing club meets on the canal every Saturday morning for pupils aged twelve and over.'));
    await waitFor(async () => (await documents()) === 2, { what: 'the new document in /healthz', every: 100 });
    const answer = await server.context.answerer.answer('When does the rowing club meet?');
    expect(answer.answered).toBe(true);
    expect(answer.citations[0]?.source).toBe('second.md');
  });

  it('kb ingest while the bot holds the embedded database leaves the file for the bot, which puts it in the store and answers from it', async () => {
    const doc = join(dir, '..', `${dir.split('/').pop()}-ferry.md`);
    await writeFile(doc, DOC('Ferry trips', 'The ferry trip to the Isle of Wight leaves every Thursday at seven in the morning.'));
    try {
      const r = await run(process.execPath, ['--import', 'tsx', 'app/cli.ts', 'kb', 'ingest', doc], {
        cwd: resolve(import.meta.dirname, '../..'),
        env: { ...process.env, DATA_DIR: join(dir, 'data'), KNOWLEDGE_DIR: dir, DATABASE_URL: '', KNOWLEDGE_CACHE_DIR: 'off', LOG_LEVEL: 'warn' },
        timeout: 60_000,
      });
      expect(r.stdout).toMatch(/^added .*-ferry\.md$/m);
      expect(r.stderr).toMatch(/already open in another process \(pid \d+\)[\s\S]*the bot that holds the database puts them in the store within 30 s/);
      const question = 'When does the ferry trip leave?';
      await waitFor(async () => (await server.context.answerer.answer(question)).answered, { what: 'the ingested document answered', every: 100 });
      expect((await server.context.store.documents.list()).map((d) => d.source)).toContain(basename(doc));
    } finally {
      await rm(doc, { force: true });
    }
  }, 120_000);
});
