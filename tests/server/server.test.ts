import { waitFor } from '../helpers/wait.js';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../app/server.js';
import { newTs } from '../helpers/slack-requests.js';
import { blockText, buttonValue, startSlackHarness, TEAM, USERS, type SlackHarness } from '../helpers/slack-harness.js';

function captureLogger() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('startup without chat credentials (embedded PGlite, real index)', () => {
  let server: RunningServer;
  let dataDir: string;
  let lines: any[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'camden-server-'));
    const config = loadConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR: resolve('knowledge'), JOBS_IN_PROCESS: 'false', DIRECTORY_FILE: resolve('config/directory.example.yaml') });
    const cap = captureLogger();
    lines = cap.lines;
    server = await startServer({ config, logger: cap.logger, port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves /healthz with store, index and adapters off', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({
      status: 'ok',
      store: { ok: true, engine: 'pglite' },
      redis: { status: 'off' },
      adapters: { slack: 'off', teams: 'off' },
    });
    expect(body.index.documents).toBe(3);
    expect(body.index.chunks).toBeGreaterThan(10);
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('loads DIRECTORY_FILE at start', async () => {
    expect((await server.context.directory.findPersonByEmail('sam.okafor@example.org'))?.roles).toContain('oc_lead');
    expect((await server.context.directory.listCentres()).length).toBeGreaterThanOrEqual(4);
  });

  it('logs exactly which variables switch each adapter on', () => {
    const msgs = lines.map((l) => l.msg as string);
    expect(msgs.some((m) => m.includes('Slack is off') && m.includes('SLACK_BOT_TOKEN') && m.includes('SLACK_SIGNING_SECRET') && m.includes('SLACK_APP_TOKEN'))).toBe(true);
    expect(msgs.some((m) => m.includes('Teams is off') && m.includes('MICROSOFT_APP_ID'))).toBe(true);
  });

  it('answers only Slack\'s URL check before Slack is configured, refuses Teams traffic, and 404s unknown paths', async () => {
    // Slack checks the events URL when the manifest is saved, before anyone has a signing secret to configure.
    const check = await fetch(`${server.url}/slack/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: 'x', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' }),
    });
    expect(check.status).toBe(200);
    expect(await check.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    const event = await fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'event_callback', event: {} }) });
    expect(event.status).toBe(503);
    expect(await event.json()).toMatchObject({ error: 'slack_not_configured' });
    expect((await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});

describe('with Slack on (Postgres test store)', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness('postgres');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('/metrics counts requests, answers, abstentions, latency and returns', async () => {
    const a = await h.command('/ask', 'What is AI Connect?', USERS.staff);
    const b = await h.command('/ask', 'What is the euro to pound exchange rate today?', USERS.staff);
    const c = await h.command('/attendance', 'sessions 2 academic 2 attendances 20 pupils 10 fsm 5 send 1 parents 0', USERS.lead);
    await h.fake.waitFor(() => [a, b, c].every((x) => h.responses(x.responseId).length > 0));
    const res = await fetch(`${h.server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    expect(value(/camden_answers_total\{platform="slack",answered="true"\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(value(/camden_abstentions_total\{platform="slack"\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(value(/camden_answer_latency_seconds_count\{platform="slack"\} (\d+)/)).toBeGreaterThanOrEqual(2);
    expect(value(/camden_returns_submitted_total\{platform="slack",status="created"\} (\d+)/)).toBe(1);
    expect(value(/camden_http_requests_total\{method="POST",route="\/slack\/events",status="200"\} (\d+)/)).toBeGreaterThanOrEqual(3);
    expect(value(/camden_platform_requests_total\{platform="slack",kind="command_ask"\} (\d+)/)).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/camden_errors_total/);
  });

  it('/healthz says Slack is on in HTTP mode', async () => {
    const body = (await (await fetch(`${h.server.url}/healthz`)).json()) as any;
    expect(body.adapters).toEqual({ slack: 'http', teams: 'off' });
    expect(body.store).toMatchObject({ ok: true, engine: 'postgres' });
  });
});

/** /healthz once it reports Redis ready. */
async function healthOnceRedisReady(url: string): Promise<any> {
  return waitFor(
    async () => {
      const body = (await (await fetch(`${url}/healthz`)).json()) as any;
      return body.redis.status === 'ready' ? body : null;
    },
    { what: '/healthz with Redis ready', timeout: 10_000, every: 100 },
  );
}

describe('with the job workers in process (real Redis)', () => {
  it('/healthz reports Redis ready and stop() closes the workers', async () => {
    const h = await startSlackHarness('postgres', { JOBS_IN_PROCESS: 'true', QUEUE_PREFIX: `camden-test-${process.env.TEST_RUN_ID}-${process.pid}` });
    try {
      expect(h.server.jobs).not.toBeNull();
      const body = await healthOnceRedisReady(h.server.url);
      expect(body.redis.status).toBe('ready');
      expect(body.status).toBe('ok');
      await Promise.all(h.server.jobs!.queues.map((q) => q.obliterate({ force: true })));
    } finally {
      await h.close();
    }
  });
});

describe('with the job workers in another process', () => {
  it('serves the queue dashboard and Redis health here when ADMIN_PASSWORD is set, without running workers', async () => {
    const prefix = `camden-test-${process.env.TEST_RUN_ID}-${process.pid}-board`;
    const h = await startSlackHarness('postgres', { JOBS_IN_PROCESS: 'false', ADMIN_PASSWORD: 'board-secret', QUEUE_PREFIX: prefix });
    try {
      expect(h.server.jobs).not.toBeNull();
      const auth = { authorization: `Basic ${Buffer.from('admin:board-secret').toString('base64')}` };
      expect((await fetch(`${h.server.url}/admin/queues/`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${h.server.url}/admin/queues/`)).status).toBe(401);
      const body = await healthOnceRedisReady(h.server.url);
      expect(body.redis.status).toBe('ready');
      // Queues only: nothing here takes jobs.
      const notify = h.server.jobs!.queues.find((q) => q.name === 'notifications')!;
      expect(await notify.getWorkersCount()).toBe(0);
      await Promise.all(h.server.jobs!.queues.map((q) => q.obliterate({ force: true })));
    } finally {
      await h.close();
    }
  });
});

describe('graceful stop and store failure', () => {
  it('stop() waits for work already acknowledged (a post waiting out a 429) before closing', async () => {
    const h = await startSlackHarness('postgres');
    try {
      h.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
      const ts = newTs();
      const { status } = await h.event({ type: 'message', channel_type: 'im', channel: 'D0STOP001', user: USERS.staff, text: 'What is AI Connect?', ts, team: TEAM });
      expect(status).toBe(200);
      await h.fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0STOP001'));
      await h.server.stop();
      const posts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'D0STOP001');
      expect(posts).toHaveLength(2);
      expect(h.fake.calls.some((c) => c.method === 'reactions.remove' && c.args.timestamp === ts)).toBe(true);
      await expect(fetch(`${h.server.url}/healthz`)).rejects.toThrow();
    } finally {
      await h.close();
    }
  });

  it('/healthz answers 503 when the store is down', async () => {
    const h = await startSlackHarness('postgres');
    try {
      await h.testStore.store.close();
      const res = await fetch(`${h.server.url}/healthz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as any;
      expect(body.status).toBe('down');
      expect(body.store.ok).toBe(false);
      // Questions are still answered (without feedback buttons); a return says plainly nothing was saved.
      const ask = await h.command('/ask', 'What is AI Connect?', USERS.staff);
      await h.fake.waitFor(() => h.responses(ask.responseId).length > 0);
      const answer = h.responses(ask.responseId)[0];
      expect(blockText(answer.blocks)).toContain('AI Connect');
      expect(buttonValue(answer.blocks, 'feedback_helpful')).toBeUndefined();
      const ret = await h.command('/attendance', 'sessions 2 academic 2 attendances 20 pupils 10 fsm 5 send 1 parents 0', USERS.lead);
      await h.fake.waitFor(() => h.responses(ret.responseId).length > 0);
      expect(blockText(h.responses(ret.responseId)[0].blocks)).toMatch(/not reachable|briefly unavailable|try again/i);
    } finally {
      await h.server.stop();
      await h.fake.close();
    }
  });
});

describe('npm start as a process', () => {
  it('starts without credentials, serves /healthz, and on SIGTERM to npm shuts the server down and exits 0', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'camden-main-'));
    // npm itself, as a container's `CMD npm start` runs it: the signal reaches npm, which must pass it on to the
    // server (the script execs node, so no shell sits between them and swallows it).
    const child = spawn('npm', ['start', '--silent'], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, JOBS_IN_PROCESS: 'false', LOG_LEVEL: 'info', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', MICROSOFT_APP_ID: '', DATABASE_URL: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let buf = '';
        // npm start first compiles dist/ when the sources changed since the last build (tens of seconds).
        const timer = setTimeout(() => reject(new Error(`no "server listening" within 240 s:\n${buf}`)), 240_000);
        child.stderr!.on('data', (d: Buffer) => {
          buf += d.toString();
          const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"server listening"/.exec(buf);
          if (m) {
            clearTimeout(timer);
            resolveUrl(m[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}:\n${buf}`)));
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      // The server itself is gone, not only npm.
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
