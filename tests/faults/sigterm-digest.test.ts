/**
 * Fault: SIGTERM to the server process (`app/main.ts`, jobs in process) in the middle of the weekly digest fan-out.
 * Mechanism: the server runs as a child process on a private Postgres cluster and a private redis-server; the fake
 * Slack API sits behind a proxy that makes chat.postMessage slow, so sends are in flight when the signal arrives.
 * Then the server is started again and must finish the digest: every network lead and the digest channel get it
 * exactly once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEDULE_QUEUE } from '../../jobs/queue-names.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/fault-postgres.js';
import { startChild, type Child } from '../helpers/fault-process.js';
import { waitFor } from '../helpers/wait.js';
import { REDIS_SERVER, startPrivateRedis, type PrivateRedis } from '../helpers/fault-redis.js';
import { messageText } from '../helpers/fault-server.js';
import { startSlowHttpProxy, type SlowHttpProxy } from '../helpers/fault-slow-http.js';
import { SIGNING_SECRET, TEAM } from '../helpers/slack-harness.js';

const pgUnavailable = await privatePostgresUnavailable();
const skipReason = pgUnavailable ?? (REDIS_SERVER ? null : 'redis-server is not installed');
if (skipReason) console.warn(`skipping the SIGTERM digest fault: ${skipReason}`);

const LEADS = Array.from({ length: 10 }, (_, i) => ({ user: `U0NET${String(i + 1).padStart(4, '0')}`, email: `network${i + 1}@example.org` }));
const DIGEST_CHANNEL = 'C0DIGEST1';
const DIRECTORY = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
  - id: london-ai-campus
    name: London AI Campus
people:
${LEADS.map((l, i) => `  - name: Network Lead ${i + 1}
    email: ${l.email}
    roles: [network_lead]
    slack: { user: ${l.user}, team: ${TEAM} }`).join('\n')}
digest:
  slackChannels: [${DIGEST_CHANNEL}]
`;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe.skipIf(!!skipReason)('SIGTERM during a digest send (a child process)', () => {
  it.each([
    ['the server (npm start, jobs in process)', 'app/main.ts', '"msg":"server listening"'],
    ['a separate worker (npm run worker)', 'app/worker.ts', '"msg":"worker started"'],
  ])('%s: drains the sends in hand, exits 0, and a restart completes the digest with no duplicates', async (_name, entry, ready) => {
    const pgServer: PrivatePostgres = await startPrivatePostgres();
    cleanups.push(() => pgServer.close());
    const redis: PrivateRedis = await startPrivateRedis();
    cleanups.push(() => redis.close());
    const fake: FakeSlack = await startFakeSlack();
    cleanups.push(() => fake.close());
    const proxy: SlowHttpProxy = await startSlowHttpProxy(fake.apiUrl);
    cleanups.push(() => proxy.close());
    const dir = await mkdtemp(join(tmpdir(), 'camden-sigterm-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'directory.yaml'), DIRECTORY);
    const prefix = `fault-sigterm-${process.pid}`;

    const startBot = (): Child => {
      const child = startChild(process.execPath, ['--import', 'tsx', resolve(entry)], {
        cwd: resolve('.'),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: 'test',
          LOG_LEVEL: 'info',
          PORT: '0',
          DATA_DIR: join(dir, 'data'),
          KNOWLEDGE_DIR: resolve('knowledge'),
          DIRECTORY_FILE: join(dir, 'directory.yaml'),
          DATABASE_URL: pgServer.url,
          REDIS_URL: redis.url,
          QUEUE_PREFIX: prefix,
          JOBS_IN_PROCESS: 'true',
          SLACK_BOT_TOKEN: 'xoxb-test-token',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: proxy.url,
        },
      });
      cleanups.push(() => child.kill('SIGKILL'));
      return child;
    };
    const exitWithin45s = (child: Child) => Promise.race([child.exit, new Promise((r) => setTimeout(() => r('no exit within 45 s'), 45_000))]);
    const digestPosts = () => fake.callsTo('chat.postMessage').filter((c) => /Weekly attendance digest/i.test(messageText(c.args)));
    const claims = async () => {
      const c = new pg.Client({ connectionString: pgServer.url });
      await c.connect();
      try {
        return (await c.query<{ recipient: string; state: string }>("SELECT recipient, state FROM notification_claims WHERE kind = 'digest'")).rows;
      } finally {
        await c.end();
      }
    };

    // Each post takes 1.5 s: with four sends at a time, eleven recipients take about five seconds.
    proxy.setDelay((path) => (path.endsWith('/chat.postMessage') ? 1_500 : 0));
    const first = startBot();
    await waitFor(() => first.output().includes(ready) || first.exited(), { what: 'first process ready', timeout: 90_000, every: 100 });
    expect(first.exited(), first.output().slice(-2_000)).toBe(false);
    // Only the bot answers questions: the worker builds no knowledge index.
    if (entry === 'app/worker.ts') expect(first.output()).not.toContain('knowledge index built');
    else expect(first.output()).toContain('knowledge index built');

    const schedules = new Queue(SCHEDULE_QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    cleanups.push(() => schedules.close());
    await schedules.add('digest', { at: '2026-11-23T16:00:00.000Z' }, { removeOnComplete: 100, removeOnFail: 100 });

    // Mid fan-out: some posts are at Slack, not all recipients are done.
    await waitFor(() => proxy.arrived(/chat\.postMessage$/) >= 2, { what: 'digest posts in flight', timeout: 60_000, every: 20 });
    expect(proxy.answered(/chat\.postMessage$/)).toBeLessThan(LEADS.length + 1);
    first.proc.kill('SIGTERM');
    expect(await exitWithin45s(first), first.output().slice(-3_000)).toBe(0);

    // The sends in hand finished before exit: nothing is left half-sent (a claim stuck in "sending" would never be
    // resent), and the digest is not complete yet.
    const afterStop = await claims();
    expect(afterStop.filter((c) => c.state === 'sending')).toEqual([]);
    const sentBeforeRestart = afterStop.filter((c) => c.state === 'sent').length;
    expect(sentBeforeRestart).toBeGreaterThan(0);
    expect(sentBeforeRestart).toBeLessThan(LEADS.length + 1);
    expect(digestPosts()).toHaveLength(proxy.answered(/chat\.postMessage$/));

    // Restart (no delay now): the remaining sends go out, and only those.
    proxy.setDelay(() => 0);
    const second = startBot();
    await waitFor(async () => (await claims()).filter((c) => c.state === 'sent').length === LEADS.length + 1, { what: 'every digest recipient served', timeout: 90_000, every: 200 });
    // Give any duplicate a chance to show up before counting.
    await new Promise((r) => setTimeout(r, 1_500));
    const byChannel = new Map<string, number>();
    for (const p of digestPosts()) byChannel.set(p.args.channel, (byChannel.get(p.args.channel) ?? 0) + 1);
    const expected = new Map<string, number>([...LEADS.map((l) => [`D${l.user.replace(/^U/, '')}`, 1] as const), [DIGEST_CHANNEL, 1]]);
    expect(Object.fromEntries(byChannel)).toEqual(Object.fromEntries(expected));
    expect((await claims()).every((c) => c.state === 'sent')).toBe(true);

    second.proc.kill('SIGTERM');
    expect(await exitWithin45s(second), second.output().slice(-3_000)).toBe(0);
  }, 240_000);
});
