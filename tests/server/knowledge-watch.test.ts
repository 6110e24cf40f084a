import { waitFor } from '../helpers/wait.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../app/server.js';

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
});
