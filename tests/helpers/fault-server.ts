import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { AppAnswerer } from '../../app/compose.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { startServer, type RunningServer, type StartServerOptions } from '../../app/server.js';
import type { Store } from '../../src/store/store.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { DIRECTORY_YAML, SIGNING_SECRET, TEAM } from './slack-harness.js';
import { eventBody, newTriggerId, postToSlackEndpoint, slashCommandBody } from './slack-requests.js';

/** Log lines kept in memory (pino JSON, parsed) so tests can assert that a failure was logged. */
export interface CapturedLogs {
  logger: Logger;
  lines: Record<string, any>[];
  /** Lines at `level` or above whose msg matches. */
  find(msg: RegExp, minLevel?: number): Record<string, any>[];
}

export function captureLogs(level = 'info'): CapturedLogs {
  const lines: Record<string, any>[] = [];
  const logger = pino(
    { name: 'fault-test', level },
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

export interface FaultServerOptions {
  /** Extra env for loadConfig (REDIS_URL, QUEUE_PREFIX, DATABASE_URL, JOBS_IN_PROCESS, …). */
  env?: Record<string, string>;
  /** Inject a store (otherwise the server opens one from DATABASE_URL). */
  store?: Store;
  answerer?: AppAnswerer;
  /** Directory file written to a temp file and loaded at start (default: the Slack test directory). */
  directoryYaml?: string;
  /** Slack Web API timeout (ms). */
  slackTimeoutMs?: number;
  fake?: FakeSlack;
  /** Teams adapter options (e.g. a fake connector as channelServiceUrl, a quick send policy). */
  teams?: StartServerOptions['teams'];
}

/** The real server (startServer) with Slack in HTTP mode against a local fake Web API, logs captured. */
export interface FaultServer {
  fake: FakeSlack;
  server: RunningServer;
  config: Config;
  logs: CapturedLogs;
  command(command: string, text: string, user: string): Promise<{ status: number; responseId: string }>;
  /** A direct message to the bot (message.im); returns the event id so a redelivery can reuse it. */
  dm(user: string, text: string, opts?: { eventId?: string; retryNum?: number; ts?: string }): Promise<{ status: number; eventId: string; ts: string }>;
  responses(responseId: string): any[];
  waitForResponse(responseId: string, timeoutMs?: number): Promise<any>;
  health(): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

let seq = 0;

export async function startFaultServer(opts: FaultServerOptions = {}): Promise<FaultServer> {
  const fake = opts.fake ?? (await startFakeSlack());
  const dataDir = await mkdtemp(join(tmpdir(), 'camden-fault-'));
  const directoryFile = join(dataDir, 'directory.yaml');
  await writeFile(directoryFile, opts.directoryYaml ?? DIRECTORY_YAML);
  const logs = captureLogs();
  try {
    const config = loadConfig({
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: resolve('knowledge'),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      JOBS_IN_PROCESS: 'false',
      DIRECTORY_FILE: directoryFile,
      ...opts.env,
    });
    const server = await startServer({
      config,
      logger: logs.logger,
      port: 0,
      host: '127.0.0.1',
      jobs: config.JOBS_IN_PROCESS,
      overrides: { ...(opts.store ? { store: opts.store } : {}), ...(opts.answerer ? { answerer: opts.answerer } : {}) },
      slack: { maxRetryAfterMs: 5_000, timeoutMs: opts.slackTimeoutMs ?? 3_000 },
      ...(opts.teams ? { teams: opts.teams } : {}),
      drainMs: 5_000,
    });
    const eventsUrl = `${server.url}/slack/events`;
    const sign = { secret: SIGNING_SECRET };
    const responses = (id: string) => fake.calls.filter((c) => c.method === `response_url:${id}`).map((c) => c.args);
    return {
      fake,
      server,
      config,
      logs,
      async command(command, text, user) {
        const responseId = `fr${process.pid}x${++seq}`;
        const body = slashCommandBody({ command, text, user, team: TEAM, responseUrl: `${fake.responseUrlBase}/${responseId}`, triggerId: newTriggerId() });
        const res = await postToSlackEndpoint(eventsUrl, body, 'application/x-www-form-urlencoded', sign);
        return { status: res.status, responseId };
      },
      async dm(user, text, o = {}) {
        const ts = o.ts ?? `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
        const channel = `D${user.replace(/^U/, '')}`;
        const body = eventBody({ team: TEAM, eventId: o.eventId, event: { type: 'message', channel_type: 'im', channel, user, text, ts, team: TEAM } });
        const eventId = JSON.parse(body).event_id as string;
        const res = await postToSlackEndpoint(eventsUrl, body, 'application/json', { ...sign, retryNum: o.retryNum });
        return { status: res.status, eventId, ts };
      },
      responses,
      async waitForResponse(id, timeoutMs = 20_000) {
        await fake.waitFor(() => responses(id).length > 0, timeoutMs);
        return responses(id)[0];
      },
      async health() {
        const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        return { status: res.status, body: await res.json() };
      },
      async stop() {
        await server.stop();
        if (!opts.fake) await fake.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (!opts.fake) await fake.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Plain text of a Slack message or response_url payload (text plus block text). */
export function messageText(args: any): string {
  const parts: string[] = [String(args?.text ?? '')];
  for (const b of (args?.blocks ?? []) as any[]) {
    if (b.text?.text) parts.push(b.text.text);
    for (const f of b.fields ?? []) parts.push(f.text);
    for (const e of b.elements ?? []) parts.push(typeof e.text === 'string' ? e.text : (e.text?.text ?? ''));
  }
  return parts.join('\n');
}
