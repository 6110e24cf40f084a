import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../../src/config.js';
import type { RunningServer } from '../../app/server.js';
import { FAKE_TEAM, type FakeSlack } from '../helpers/fake-slack.js';
import type { FakeBotConnector } from '../helpers/fake-bot-connector.js';
import { SIGNING_SECRET, startTestServer } from '../helpers/server-harness.js';
import type { TestEngine, TestStore } from '../helpers/store.js';
import { postToSlackEndpoint, type SignedRequestOptions } from '../helpers/slack-requests.js';
import { INJECTED_DOCUMENT, INJECTED_DOCUMENT_NAME } from './injection.js';

export { SIGNING_SECRET };
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

/** The one test server (tests/helpers/server-harness.ts) with Slack and Teams, the hostile directory, its own store. */
export async function startHostileServer(
  env: Record<string, string> = {},
  options: { openIdMetadataUrl?: (connector: FakeBotConnector) => string; engine?: TestEngine } = {},
): Promise<HostileServer> {
  const h = await startTestServer({
    store: options.engine ?? 'postgres',
    directory: { yaml: HOSTILE_DIRECTORY },
    env,
    slack: { options: { maxRetryAfterMs: 2_000, timeoutMs: 3_000 } },
    teams: {
      options: (connector) => ({
        channelServiceUrl: connector.serviceUrl,
        sendPolicy: { baseDelayMs: 5, maxDelayMs: 500, maxAttempts: 2 },
        openIdMetadataUrl: options.openIdMetadataUrl?.(connector),
      }),
    },
    answerer: 'server',
  });
  const testStore = h.testStore!;
  const count = async (sql: string) => Number((await testStore.store.db.query<{ n: string | number }>(sql)).rows[0]!.n);
  return {
    slack: h.fake!,
    connector: h.connector!,
    server: h.server,
    testStore,
    config: h.config,
    url: h.server.url,
    async raw(path, init) {
      try {
        const res = await fetch(`${h.server.url}${path}`, { method: init.method ?? 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(20_000) });
        return { status: res.status, text: await res.text() };
      } catch {
        return { status: 0, text: '' };
      }
    },
    slackPost: (body, contentType, opts) => postToSlackEndpoint(h.eventsUrl, body, contentType, { secret: SIGNING_SECRET, ...opts }),
    command: async (command, text, user, opts = {}) => {
      const { status, responseId } = await h.command(command, text, user, opts);
      return { status, responseId };
    },
    event: (event) => h.event(event),
    interaction: (payload) => h.interaction(payload),
    responses: (responseId) => h.responses(responseId),
    teamsPost: (activity, headers) => h.teamsPost(activity, headers),
    healthz: async () => (await h.health()).status,
    async counts() {
      return {
        returns: await count('SELECT count(*) AS n FROM attendance_returns'),
        versions: await count('SELECT count(*) AS n FROM attendance_return_versions'),
        answers: await count('SELECT count(*) AS n FROM bot_answers'),
        questions: await count('SELECT count(*) AS n FROM question_log'),
        feedback: await count('SELECT count(*) AS n FROM bot_feedback'),
      };
    },
    close: () => h.close(),
  };
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
