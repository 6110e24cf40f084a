import type { AppAnswerer } from '../../app/compose.js';
import type { Config } from '../../src/config.js';
import type { RunningServer, StartServerOptions } from '../../app/server.js';
import type { Store } from '../../src/store/store.js';
import { DIRECTORY_YAML, TEAM } from './directory-fixture.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { captureLogs, startTestServer, type CapturedLogs } from './server-harness.js';

export { captureLogs, type CapturedLogs };

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

/** The one test server (tests/helpers/server-harness.ts) with its logs captured and its directory loaded from a file. */
export async function startFaultServer(opts: FaultServerOptions = {}): Promise<FaultServer> {
  const h = await startTestServer({
    store: opts.store ?? 'none',
    directory: { yaml: opts.directoryYaml ?? DIRECTORY_YAML, via: 'file' },
    env: opts.env,
    slack: opts.env?.SLACK_BOT_TOKEN === '' ? false : { fake: opts.fake, options: { timeoutMs: opts.slackTimeoutMs ?? 3_000 } },
    ...(opts.teams ? { teams: { options: opts.teams } } : {}),
    answerer: opts.answerer ?? 'server',
    logs: 'capture',
  });
  const fake = h.fake ?? (await startFakeSlack());
  return {
    fake,
    server: h.server,
    config: h.config,
    logs: h.logs!,
    command: (command, text, user) => h.command(command, text, user),
    async dm(user, text, o = {}) {
      const ts = o.ts ?? `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
      const channel = `D${user.replace(/^U/, '')}`;
      const { status, eventId } = await h.event({ type: 'message', channel_type: 'im', channel, user, text, ts, team: TEAM }, { eventId: o.eventId, retryNum: o.retryNum });
      return { status, eventId, ts };
    },
    responses: (id) => fake.calls.filter((c) => c.method === `response_url:${id}`).map((c) => c.args),
    async waitForResponse(id, timeoutMs = 20_000) {
      await fake.waitFor(() => fake.calls.some((c) => c.method === `response_url:${id}`), timeoutMs);
      return fake.calls.find((c) => c.method === `response_url:${id}`)!.args;
    },
    health: () => h.health(),
    async stop() {
      await h.close();
      if (!h.fake) await fake.close();
    },
  };
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
