/**
 * The one test server: the real `startServer` (context, services, bot core, adapters, HTTP) on 127.0.0.1 with a
 * random port, Slack in HTTP mode against the fake Slack Web API and/or Teams (local dev) against the fake Bot
 * Connector, a store of its own (Postgres schema or PGlite) unless one is given, and the test directory. Every
 * harness (Slack, Teams, faults, hostile inputs) is this one with its options; the request helpers are here too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { AppAnswerer } from '../../app/compose.js';
import { startServer, type RunningServer, type StartServerOptions } from '../../app/server.js';
import { loadConfig, type Config } from '../../src/config.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import { importDirectory } from '../../src/directory/import.js';
import { createKnowledgeBase } from '../../src/knowledge/index.js';
import type { AskOptions } from '../../src/knowledge/types.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { Store } from '../../src/store/store.js';
import { DIRECTORY_YAML, TEAM } from './directory-fixture.js';
import { startFakeBotConnector, type FakeBotConnector } from './fake-bot-connector.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { eventBody, interactionBody, newTriggerId, postToSlackEndpoint, slashCommandBody, type SignedRequestOptions } from './slack-requests.js';
import { openTestStore, type TestEngine, type TestStore } from './store.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Log lines kept in memory (pino JSON, parsed) so tests can wait for and assert on what was logged. */
export interface CapturedLogs {
  logger: Logger;
  lines: Record<string, any>[];
  /** Lines at `level` or above whose msg matches. */
  find(msg: RegExp, minLevel?: number): Record<string, any>[];
}

export function captureLogs(level = 'info', name = 'test-server'): CapturedLogs {
  const lines: Record<string, any>[] = [];
  const logger = pino(
    { name, level },
    {
      write(s: string) {
        for (const l of s.split('\n')) {
          if (!l.trim()) continue;
          try {
            lines.push(JSON.parse(l) as Record<string, any>);
          } catch {
            lines.push({ msg: l });
          }
        }
        if (process.env.FAULT_LOGS) process.stderr.write(s);
      },
    },
  );
  return { logger, lines, find: (msg, minLevel = 0) => lines.filter((l) => (l.level ?? 0) >= minLevel && msg.test(String(l.msg ?? ''))) };
}

/** The real knowledge base, recording the options of each call so tests can see thread context. */
export function recordingAnswerer(inner: AppAnswerer): AppAnswerer & { calls: { question: string; options?: AskOptions }[] } {
  const calls: { question: string; options?: AskOptions }[] = [];
  return {
    calls,
    answer(question, options) {
      calls.push({ question, options });
      return inner.answer(question, options);
    },
    stats: inner.stats?.bind(inner),
  };
}

export interface TestServerOptions {
  /** The store: a fresh one of this engine (default 'postgres'), one given, or none ('none': the server opens it from env). */
  store?: TestEngine | Store | 'none';
  /** The directory (default: the shared test directory); `via: 'file'` loads it through DIRECTORY_FILE at start. */
  directory?: { yaml?: string; via?: 'import' | 'file' };
  /** Extra environment for loadConfig. */
  env?: Record<string, string>;
  /** Slack on (default) against a fake Web API (started here unless given). */
  slack?: false | { fake?: FakeSlack; options?: StartServerOptions['slack'] };
  /** Teams on (local dev, unauthenticated) against a fake Bot Connector (started here unless given). */
  teams?: { connector?: FakeBotConnector; options?: StartServerOptions['teams'] | ((connector: FakeBotConnector) => StartServerOptions['teams']) };
  /** Who answers: the knowledge base over knowledge/ in this process, recorded (default); the server's own; or this. */
  answerer?: 'recording' | 'server' | AppAnswerer;
  /** 'capture' keeps log lines in memory (logs); default silent unless LOG_LEVEL is set. */
  logs?: 'capture' | 'silent';
  drainMs?: number;
  /** The bot's clock (the week due, week checks, the jobs' runs); platform signatures keep real time. */
  now?: () => Date;
}

export interface TestServer {
  server: RunningServer;
  config: Config;
  /** The store the server uses when this harness opened it. */
  testStore: TestStore | null;
  fake: FakeSlack | null;
  connector: FakeBotConnector | null;
  /** The recording answerer (answerer 'recording'). */
  answerer: ReturnType<typeof recordingAnswerer> | null;
  logs: CapturedLogs | null;
  eventsUrl: string;
  /** Signed slash command; the HTTP status, the response_url id to wait for, and the trigger id. */
  command(command: string, text: string, user: string, opts?: Partial<SignedRequestOptions> & { triggerId?: string; channel?: string }): Promise<{ status: number; responseId: string; triggerId: string }>;
  event(event: Record<string, unknown>, opts?: Partial<SignedRequestOptions> & { eventId?: string }): Promise<{ status: number; eventId: string }>;
  interaction(payload: Record<string, unknown>, opts?: Partial<SignedRequestOptions>): Promise<{ status: number; json: any; text: string }>;
  /** What was posted to a response_url. */
  responses(responseId: string): any[];
  /** POST a Bot Framework activity to /api/messages. */
  teamsPost(activity: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  /** The current value of a counter of this server's /metrics for these labels (0 when never counted). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  health(): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

let responseSeq = 0;

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    const slackOn = opts.slack !== false;
    const given = opts.slack ? opts.slack.fake : undefined;
    const fake: FakeSlack | null = slackOn ? (given ?? (await startFakeSlack())) : null;
    if (fake && !given) cleanups.push(() => fake.close());
    const connector = opts.teams ? (opts.teams.connector ?? (await startFakeBotConnector())) : null;
    if (connector && !opts.teams?.connector) cleanups.push(() => connector.close());

    const storeOpt = opts.store ?? 'postgres';
    const testStore = storeOpt === 'pglite' || storeOpt === 'postgres' ? await openTestStore(storeOpt) : null;
    if (testStore) cleanups.push(() => testStore.close());
    const store = testStore?.store ?? (typeof storeOpt === 'object' ? storeOpt : undefined);

    const dataDir = await mkdtemp(join(tmpdir(), 'camden-server-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const yaml = opts.directory?.yaml ?? DIRECTORY_YAML;
    const env: Record<string, string> = {};
    if (opts.directory?.via === 'file') {
      env.DIRECTORY_FILE = join(dataDir, 'directory.yaml');
      await writeFile(env.DIRECTORY_FILE, yaml);
    } else if (store) {
      await importDirectory(store, parseDirectoryFile(yaml, 'test directory'));
    }

    const logs = opts.logs === 'capture' ? captureLogs() : null;
    const config = loadConfig({
      LOG_LEVEL: logs ? 'info' : (process.env.LOG_LEVEL ?? 'silent'),
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: resolve('knowledge'),
      JOBS_IN_PROCESS: 'false',
      ...(fake ? { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl } : {}),
      ...(connector ? { TEAMS_LOCAL_DEV: 'true' } : {}),
      ...env,
      ...opts.env,
    });
    const logger = logs?.logger ?? createLogger(config.LOG_LEVEL);
    const answererOpt = opts.answerer ?? 'recording';
    const answerer = answererOpt === 'recording' ? recordingAnswerer(await createKnowledgeBase(config, logger)) : null;
    const injected = answerer ?? (typeof answererOpt === 'object' ? answererOpt : undefined);

    const server = await startServer({
      config,
      logger,
      port: 0,
      host: '127.0.0.1',
      jobs: config.JOBS_IN_PROCESS,
      overrides: { ...(store ? { store } : {}), ...(injected ? { answerer: injected } : {}), ...(opts.now ? { now: opts.now } : {}) },
      slack: { maxRetryAfterMs: 5_000, timeoutMs: 3_000, ...(opts.slack ? opts.slack.options : {}) },
      ...(connector
        ? {
            teams: {
              channelServiceUrl: connector.serviceUrl,
              sendPolicy: { baseDelayMs: 5, maxDelayMs: 2_000, maxAttempts: 3 },
              ...(typeof opts.teams?.options === 'function' ? opts.teams.options(connector) : opts.teams?.options),
            },
          }
        : {}),
      drainMs: opts.drainMs ?? 5_000,
    });
    cleanups.push(() => server.stop());

    const eventsUrl = `${server.url}/slack/events`;
    const sign = (o?: Partial<SignedRequestOptions>): SignedRequestOptions => ({ secret: SIGNING_SECRET, ...o });
    const needSlack = () => {
      if (!fake) throw new Error('this test server has no Slack');
      return fake;
    };
    return {
      server,
      config,
      testStore,
      fake,
      connector,
      answerer,
      logs,
      eventsUrl,
      async command(command, text, user, o = {}) {
        const responseId = `r${process.pid}x${++responseSeq}`;
        const triggerId = o.triggerId ?? newTriggerId();
        const body = slashCommandBody({ command, text, user, team: TEAM, channel: o.channel, responseUrl: `${needSlack().responseUrlBase}/${responseId}`, triggerId });
        const res = await postToSlackEndpoint(eventsUrl, body, 'application/x-www-form-urlencoded', sign(o));
        return { status: res.status, responseId, triggerId };
      },
      async event(event, o = {}) {
        const body = eventBody({ team: TEAM, event, eventId: o.eventId });
        const eventId = JSON.parse(body).event_id as string;
        const res = await postToSlackEndpoint(eventsUrl, body, 'application/json', sign(o));
        return { status: res.status, eventId };
      },
      async interaction(payload, o = {}) {
        const res = await postToSlackEndpoint(eventsUrl, interactionBody(payload), 'application/x-www-form-urlencoded', sign(o));
        return { status: res.status, json: res.json, text: res.text };
      },
      responses: (responseId) => needSlack().calls.filter((c) => c.method === `response_url:${responseId}`).map((c) => c.args),
      async teamsPost(activity, headers = {}) {
        const res = await fetch(`${server.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(activity),
          signal: AbortSignal.timeout(60_000),
        });
        return { status: res.status, body: await res.text() };
      },
      metric: (name, labels = {}) => counterValue(server.context.metrics.registry, name, labels),
      async health() {
        const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        return { status: res.status, body: await res.json() };
      },
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** A counter's value in a prom-client registry for exactly these labels (0 when it was never counted). */
export async function counterValue(registry: { getSingleMetric(name: string): unknown }, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name) as { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> } | undefined;
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x)).reduce((a, v) => a + v.value, 0);
}
