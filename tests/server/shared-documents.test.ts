import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { freePort, startChild, type Child } from '../helpers/fault-process.js';
import { blockText } from '../helpers/slack-harness.js';
import { postToSlackEndpoint, slashCommandBody } from '../helpers/slack-requests.js';
import { createTestSchema, TEST_DATABASE_URL } from '../helpers/store.js';
import { TEAM } from '../helpers/directory-fixture.js';
import { waitFor } from '../helpers/wait.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SECRET = 'shared-documents-signing-secret-0123';
const run = promisify(execFile);

const KESTREL = '# Kestrel Trips\n\n## Residential trips\n\nThe Kestrel residential trip to Dorset runs every June for Year 6 pupils.\n';
const HERON = '# Heron Library\n\n## Opening hours\n\nThe Heron Library opens for pupils at 8am every weekday during term.\n';
const ROWING = '# Rowing Club\n\n## Sessions\n\nThe Regent canal rowing club meets every Saturday morning for pupils aged twelve and over.\n';
const QUESTION = 'When does the rowing club meet?';

interface BotProcess {
  name: string;
  child: Child;
  url: string;
  env: Record<string, string>;
}

/**
 * Two bot processes (`app/main.ts`, as `npm run dev` runs it) on one Postgres database with different KNOWLEDGE_DIRs:
 * a document ingested through one is answered by the other, and `kb remove` takes it from both.
 */
describe('documents live in the store: two bot processes, one Postgres, different KNOWLEDGE_DIRs', () => {
  let fake: FakeSlack;
  let root: string;
  let dropSchema: () => Promise<void>;
  let databaseUrl: string;
  const bots: BotProcess[] = [];
  let seq = 0;

  async function startBot(name: string, knowledgeDir: string): Promise<BotProcess> {
    const port = await freePort();
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      KNOWLEDGE_DIR: knowledgeDir,
      KNOWLEDGE_CHECK_SECONDS: '1',
      DATA_DIR: join(root, `data-${name}`),
      PORT: String(port),
      HOST: '127.0.0.1',
      JOBS_IN_PROCESS: 'false',
      ADMIN_PASSWORD: '',
      DIRECTORY_FILE: '',
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: 'xoxb-shared-documents',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_APP_TOKEN: '',
      MICROSOFT_APP_ID: '',
      TEAMS_LOCAL_DEV: '',
      OPENAI_API_KEY: '',
    };
    const child = startChild(process.execPath, ['--import', 'tsx', 'app/main.ts'], { cwd: ROOT, env: { ...process.env, ...env } });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(() => /"msg":"server listening"/.test(child.output()) || child.exited(), { what: `bot ${name} listening`, timeout: 120_000, every: 100, detail: child.output });
    expect(child.exited(), child.output()).toBe(false);
    return { name, child, url, env };
  }

  /** Asks by /ask (signed as Slack signs it) and returns the reply's text once it has arrived at the response_url. */
  async function ask(bot: BotProcess, question: string): Promise<string> {
    const id = `shared${process.pid}x${++seq}`;
    const body = slashCommandBody({ command: '/ask', text: question, user: 'U0STAFF0042', team: TEAM, responseUrl: `${fake.responseUrlBase}/${id}` });
    const res = await postToSlackEndpoint(`${bot.url}/slack/events`, body, 'application/x-www-form-urlencoded', { secret: SECRET });
    expect(res.status).toBe(200);
    await fake.waitFor((calls) => calls.some((c) => c.method === `response_url:${id}`), 20_000);
    const reply = fake.calls.find((c) => c.method === `response_url:${id}`)!.args as { text?: string; blocks?: unknown[] };
    return `${reply.text ?? ''}\n${blockText(reply.blocks as never[])}`;
  }

  async function kb(bot: BotProcess, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'app/cli.ts', 'kb', ...args], {
        cwd: ROOT,
        env: { ...process.env, ...bot.env, LOG_LEVEL: 'warn', KNOWLEDGE_CACHE_DIR: 'off' },
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  const answersFromRowing = (text: string) => /Saturday morning/.test(text) && /Rowing Club/.test(text);

  beforeAll(async () => {
    fake = await startFakeSlack();
    root = await mkdtemp(join(tmpdir(), 'camden-shared-docs-'));
    const schema = await createTestSchema();
    dropSchema = schema.drop;
    databaseUrl = `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`;
    await mkdir(join(root, 'a'));
    await mkdir(join(root, 'b'));
    await writeFile(join(root, 'a', 'kestrel.md'), KESTREL);
    await writeFile(join(root, 'b', 'heron.md'), HERON);
    await writeFile(join(root, 'rowing-club.md'), ROWING);
    // Started one after the other: two processes migrating at once is covered elsewhere (tests/store/processes.test.ts).
    bots.push(await startBot('a', join(root, 'a')));
    bots.push(await startBot('b', join(root, 'b')));
  }, 300_000);

  afterAll(async () => {
    for (const b of bots) await b.child.kill('SIGTERM');
    await fake?.close();
    await dropSchema?.();
    await rm(root, { recursive: true, force: true });
  });

  it('each answers from the other’s folder, then from a document ingested through one of them, until kb remove', async () => {
    const [a, b] = bots as [BotProcess, BotProcess];
    // Each folder was imported at its bot's start; b's start found a's document already in the store.
    expect(await ask(b, 'When does the Kestrel residential trip run?')).toMatch(/June/);
    await waitFor(async () => /8am/.test(await ask(a, 'When does the Heron Library open?')), { what: "b's document answered by a", timeout: 30_000, every: 500 });

    expect(answersFromRowing(await ask(b, QUESTION))).toBe(false);
    const ingested = await kb(a, ['ingest', join(root, 'rowing-club.md')]);
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(ingested.stdout).toContain('in the store: rowing-club.md');
    expect(await readdir(join(root, 'b'))).toEqual(['heron.md']); // b's folder never sees the file

    const answer = await waitFor(async () => {
      const text = await ask(b, QUESTION);
      return answersFromRowing(text) ? text : null;
    }, { what: 'bot b answering from the document ingested through a', timeout: 30_000, every: 500 });
    expect(answer).toMatch(/\[1\]/); // cited
    // a polls the store on its own clock (the CLI, not a, wrote the document).
    await waitFor(async () => answersFromRowing(await ask(a, QUESTION)), { what: 'bot a answering from the document it ingested', timeout: 30_000, every: 500 });

    const listed = await kb(b, ['list']);
    expect(listed.stdout).toMatch(/^rowing-club\.md\tmd\t1 chunks\t1 sections\tRowing Club\t/m);
    expect(listed.stdout).toContain('3 documents');

    const removed = await kb(b, ['remove', 'rowing-club.md']);
    expect(removed.code, removed.stderr).toBe(0);
    for (const bot of [a, b]) {
      await waitFor(async () => !answersFromRowing(await ask(bot, QUESTION)), { what: `bot ${bot.name} no longer answering from the removed document`, timeout: 30_000, every: 500 });
    }
    // The rest is still answered.
    expect(await ask(a, 'When does the Heron Library open?')).toMatch(/8am/);
    expect(fake.refused).toEqual([]);
  }, 240_000);
});
