import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import { importDirectory } from '../../src/directory/import.js';
import { startServer, type RunningServer } from '../../app/server.js';
import { startFakeSlack, FAKE_TEAM, type FakeSlack } from '../helpers/fake-slack.js';
import { startFakeBotConnector, type FakeBotConnector } from '../helpers/fake-bot-connector.js';
import { openTestStore, type TestEngine, type TestStore } from '../helpers/store.js';
import { eventBody, interactionBody, newTriggerId, postToSlackEndpoint, slashCommandBody, type SignedRequestOptions } from '../helpers/slack-requests.js';
import { INJECTED_DOCUMENT, INJECTED_DOCUMENT_NAME } from './injection.js';

export const SIGNING_SECRET = 'hostile-signing-secret-0123456789abcdef';
export const TEAM = FAKE_TEAM;
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export const SLACK_USERS = { lead: 'U0LEAD001', multiLead: 'U0LEAD002', admin: 'U0ADMIN01', staff: 'U0STAFF01' } as const;
export const TEAMS_USERS = {
  lead: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000b001', tenantId: TENANT },
  staff: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000b999', tenantId: TENANT },
} as const;

/** Both platforms in one directory: a Slack lead and a Teams lead of different centres, so their returns never mix. */
export const HOSTILE_DIRECTORY = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
  - id: la-sainte-union
    name: La Sainte Union Opportunity Centre
  - id: camden-career-club
    name: Camden Career Club at the Euston Skills Centre
  - id: london-ai-campus
    name: London AI Campus
  - id: closed-centre
    name: Closed Centre
    active: false
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
    slack: { user: ${SLACK_USERS.lead}, team: ${TEAM} }
  - name: Priya Shah
    email: priya.shah@example.org
    roles: [oc_lead]
    centres: [camden-career-club, closed-centre]
    slack: { user: ${SLACK_USERS.multiLead}, team: ${TEAM} }
  - name: Alex Admin
    email: alex.admin@example.org
    roles: [admin]
    slack: { user: ${SLACK_USERS.admin}, team: ${TEAM} }
  - name: Tomás Teams
    email: tomas.teams@example.org
    roles: [oc_lead]
    centres: [la-sainte-union]
    teams: { aadObjectId: ${TEAMS_USERS.lead.aadObjectId}, tenantId: ${TENANT} }
digest:
  slackChannels: [C0DIGEST1]
`;

/**
 * A copy of the real corpus plus a document carrying prompt-injection text, in a temp folder: the server answers
 * from it as it would from knowledge/.
 */
export async function knowledgeWithInjection(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'camden-hostile-kb-'));
  const source = resolve('knowledge');
  for (const name of await readdir(source)) {
    if (!name.startsWith('.')) await copyFile(join(source, name), join(dir, name));
  }
  await writeFile(join(dir, INJECTED_DOCUMENT_NAME), INJECTED_DOCUMENT);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Counts {
  returns: number;
  versions: number;
  answers: number;
  questions: number;
  feedback: number;
}

export interface HostileServer {
  slack: FakeSlack;
  connector: FakeBotConnector;
  server: RunningServer;
  testStore: TestStore;
  config: Config;
  url: string;
  /** Any request to the server, body sent as given. Network errors (a reset connection) come back as status 0. */
  raw(path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<{ status: number; text: string }>;
  /** A signed (or deliberately mis-signed) POST to /slack/events. */
  slackPost(body: string, contentType: 'application/json' | 'application/x-www-form-urlencoded', opts?: Partial<SignedRequestOptions>): Promise<{ status: number; text: string; json: any }>;
  command(command: string, text: string, user: string, opts?: { triggerId?: string }): Promise<{ status: number; responseId: string }>;
  event(event: Record<string, unknown>): Promise<{ status: number; eventId: string }>;
  interaction(payload: Record<string, unknown>): Promise<{ status: number; json: any; text: string }>;
  responses(responseId: string): any[];
  teamsPost(activity: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  healthz(): Promise<number>;
  counts(): Promise<Counts>;
  close(): Promise<void>;
}

let responseSeq = 0;

/** One real server (startServer) with Slack over HTTP and Teams in local-dev mode, on an isolated Postgres schema. */
export async function startHostileServer(
  env: Record<string, string> = {},
  options: { openIdMetadataUrl?: (connector: FakeBotConnector) => string; engine?: TestEngine } = {},
): Promise<HostileServer> {
  const slack = await startFakeSlack();
  const connector = await startFakeBotConnector();
  const testStore = await openTestStore(options.engine ?? 'postgres');
  const dataDir = await mkdtemp(join(tmpdir(), 'camden-hostile-'));
  await mkdir(dataDir, { recursive: true });
  try {
    await importDirectory(testStore.store, parseDirectoryFile(HOSTILE_DIRECTORY, 'hostile test directory'));
    const config = loadConfig({
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: resolve('knowledge'),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      TEAMS_LOCAL_DEV: 'true',
      JOBS_IN_PROCESS: 'false',
      ...env,
    });
    const logger = createLogger(config.LOG_LEVEL);
    const server = await startServer({
      config,
      logger,
      port: 0,
      host: '127.0.0.1',
      jobs: false,
      overrides: { store: testStore.store },
      slack: { maxRetryAfterMs: 2_000, timeoutMs: 3_000 },
      teams: {
        channelServiceUrl: connector.serviceUrl,
        sendPolicy: { baseDelayMs: 5, maxDelayMs: 500, maxAttempts: 2 },
        openIdMetadataUrl: options.openIdMetadataUrl?.(connector),
      },
      drainMs: 5_000,
    });
    const eventsUrl = `${server.url}/slack/events`;
    const sign = (o?: Partial<SignedRequestOptions>): SignedRequestOptions => ({ secret: SIGNING_SECRET, ...o });
    const count = async (sql: string) => Number((await testStore.store.db.query<{ n: string | number }>(sql)).rows[0]!.n);
    return {
      slack,
      connector,
      server,
      testStore,
      config,
      url: server.url,
      async raw(path, init) {
        try {
          const res = await fetch(`${server.url}${path}`, {
            method: init.method ?? 'POST',
            headers: init.headers,
            body: init.body,
            signal: AbortSignal.timeout(20_000),
          });
          return { status: res.status, text: await res.text() };
        } catch {
          return { status: 0, text: '' };
        }
      },
      slackPost: (body, contentType, opts) => postToSlackEndpoint(eventsUrl, body, contentType, sign(opts)),
      async command(command, text, user, opts = {}) {
        const responseId = `h${++responseSeq}`;
        const body = slashCommandBody({ command, text, user, team: TEAM, responseUrl: `${slack.responseUrlBase}/${responseId}`, triggerId: opts.triggerId ?? newTriggerId() });
        const res = await postToSlackEndpoint(eventsUrl, body, 'application/x-www-form-urlencoded', sign());
        return { status: res.status, responseId };
      },
      async event(event) {
        const body = eventBody({ team: TEAM, event });
        const res = await postToSlackEndpoint(eventsUrl, body, 'application/json', sign());
        return { status: res.status, eventId: JSON.parse(body).event_id as string };
      },
      async interaction(payload) {
        const res = await postToSlackEndpoint(eventsUrl, interactionBody(payload), 'application/x-www-form-urlencoded', sign());
        return { status: res.status, json: res.json, text: res.text };
      },
      responses: (responseId) => slack.calls.filter((c) => c.method === `response_url:${responseId}`).map((c) => c.args),
      async teamsPost(activity, headers = {}) {
        const res = await fetch(`${server.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(activity),
          signal: AbortSignal.timeout(30_000),
        });
        return { status: res.status, body: await res.text() };
      },
      async healthz() {
        const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        await res.text();
        return res.status;
      },
      async counts() {
        return {
          returns: await count('SELECT count(*) AS n FROM attendance_returns'),
          versions: await count('SELECT count(*) AS n FROM attendance_return_versions'),
          answers: await count('SELECT count(*) AS n FROM bot_answers'),
          questions: await count('SELECT count(*) AS n FROM question_log'),
          feedback: await count('SELECT count(*) AS n FROM bot_feedback'),
        };
      },
      async close() {
        await server.stop();
        await testStore.close();
        await slack.close();
        await connector.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await testStore.close().catch(() => undefined);
    await slack.close();
    await connector.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Every string in a Block Kit message or view (mrkdwn and plain text, fields, context elements). */
export function slackTexts(message: any): string {
  const out: string[] = [];
  if (typeof message?.text === 'string') out.push(message.text);
  const walk = (x: any) => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(walk);
    if (typeof x.text === 'string') out.push(x.text);
    for (const [k, v] of Object.entries(x)) if (k !== 'text' || typeof v !== 'string') walk(v);
  };
  walk(message?.blocks);
  walk(message?.view?.blocks);
  return out.join('\n');
}

/** Every text in a Teams activity (text, card TextBlocks, FactSet values, table cells). */
export function teamsTexts(activity: any): string {
  const out: string[] = [];
  if (typeof activity?.text === 'string') out.push(activity.text);
  const walk = (x: any) => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(walk);
    for (const key of ['text', 'value', 'title']) if (typeof x[key] === 'string') out.push(x[key]);
    for (const v of Object.values(x)) walk(v);
  };
  walk(activity?.attachments);
  return out.join('\n');
}
