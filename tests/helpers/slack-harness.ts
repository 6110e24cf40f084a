import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import { importDirectory } from '../../src/directory/import.js';
import { createKnowledgeBase } from '../../src/knowledge/index.js';
import type { AskOptions } from '../../src/knowledge/types.js';
import { startServer, type RunningServer } from '../../app/server.js';
import type { AppAnswerer } from '../../app/compose.js';
import { FAKE_TEAM, startFakeSlack, type FakeSlack } from './fake-slack.js';
import { openTestStore, type TestEngine, type TestStore } from './store.js';
import {
  eventBody,
  interactionBody,
  newTriggerId,
  postToSlackEndpoint,
  slashCommandBody,
  type SignedRequestOptions,
} from './slack-requests.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEAM = FAKE_TEAM;
export const USERS = {
  lead: 'U0LEAD001',
  multiLead: 'U0LEAD002',
  network: 'U0NET0001',
  admin: 'U0ADMIN01',
  staff: 'U0STAFF01',
} as const;

/** Teams identities of the same people (the parity test talks to one person on both platforms). */
export const TEAMS_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const TEAMS_IDS = {
  lead: '6f1c2a3b-0000-4000-8000-0000000b0001',
  multiLead: '6f1c2a3b-0000-4000-8000-0000000b0002',
  network: '6f1c2a3b-0000-4000-8000-0000000b0003',
  admin: '6f1c2a3b-0000-4000-8000-0000000b0004',
  staff: '6f1c2a3b-0000-4000-8000-0000000b0999',
} as const;

export const DIRECTORY_YAML = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
    from: 2026-01-05
  - id: la-sainte-union
    name: La Sainte Union Opportunity Centre
    from: 2026-01-05
  - id: camden-career-club
    name: Camden Career Club at the Euston Skills Centre
    from: 2026-01-05
  - id: london-ai-campus
    name: London AI Campus
    from: 2026-01-05
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
    slack: { user: ${USERS.lead}, team: ${TEAM} }
    teams: { aadObjectId: ${TEAMS_IDS.lead}, tenantId: ${TEAMS_TENANT_ID} }
  - name: Priya Shah
    email: priya.shah@example.org
    roles: [oc_lead]
    centres: [camden-career-club, london-ai-campus]
    slack: { user: ${USERS.multiLead}, team: ${TEAM} }
    teams: { aadObjectId: ${TEAMS_IDS.multiLead}, tenantId: ${TEAMS_TENANT_ID} }
  - name: Nia Roberts
    email: nia.roberts@example.org
    roles: [network_lead]
    slack: { user: ${USERS.network}, team: ${TEAM} }
    teams: { aadObjectId: ${TEAMS_IDS.network}, tenantId: ${TEAMS_TENANT_ID} }
  - name: Alex Admin
    email: alex.admin@example.org
    roles: [admin]
    slack: { user: ${USERS.admin}, team: ${TEAM} }
    teams: { aadObjectId: ${TEAMS_IDS.admin}, tenantId: ${TEAMS_TENANT_ID} }
  - name: Jo Bloggs
    email: jo.bloggs@example.org
    roles: []
digest:
  slackChannels: [C0DIGEST1]
`;

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

export interface SlackHarness {
  fake: FakeSlack;
  server: RunningServer;
  testStore: TestStore;
  answerer: ReturnType<typeof recordingAnswerer>;
  config: Config;
  eventsUrl: string;
  /** Signed slash command; returns the HTTP status and the response_url id to wait for. */
  command(command: string, text: string, user: string, opts?: Partial<SignedRequestOptions> & { triggerId?: string; channel?: string }): Promise<{ status: number; responseId: string; triggerId: string }>;
  event(event: Record<string, unknown>, opts?: Partial<SignedRequestOptions> & { eventId?: string }): Promise<{ status: number; eventId: string }>;
  interaction(payload: Record<string, unknown>, opts?: Partial<SignedRequestOptions>): Promise<{ status: number; json: any; text: string }>;
  responses(responseId: string): any[];
  close(): Promise<void>;
}

let responseSeq = 0;

export async function startSlackHarness(
  engine: TestEngine = 'postgres',
  env: Record<string, string> = {},
  beforeStart?: (fake: FakeSlack) => void,
  slackOptions: { viewAckBudgetMs?: number; socketRetryMs?: number; directoryYaml?: string } = {},
): Promise<SlackHarness> {
  const fake = await startFakeSlack();
  beforeStart?.(fake);
  const testStore = await openTestStore(engine);
  const dataDir = await mkdtemp(join(tmpdir(), 'camden-slack-'));
  try {
    await importDirectory(testStore.store, parseDirectoryFile(slackOptions.directoryYaml ?? DIRECTORY_YAML, 'test directory'));
    const config = loadConfig({
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: resolve('knowledge'),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      JOBS_IN_PROCESS: 'false',
      ...env,
    });
    const logger = createLogger(config.LOG_LEVEL);
    const kb = await createKnowledgeBase(config, logger);
    const answerer = recordingAnswerer(kb);
    const server = await startServer({
      config,
      logger,
      port: 0,
      host: '127.0.0.1',
      jobs: config.JOBS_IN_PROCESS,
      overrides: { store: testStore.store, answerer },
      slack: { maxRetryAfterMs: 5_000, timeoutMs: 3_000, viewAckBudgetMs: slackOptions.viewAckBudgetMs, socketRetryMs: slackOptions.socketRetryMs },
      drainMs: 5_000,
    });
    const eventsUrl = `${server.url}/slack/events`;
    const sign = (o?: Partial<SignedRequestOptions>): SignedRequestOptions => ({ secret: SIGNING_SECRET, ...o });
    return {
      fake,
      server,
      testStore,
      answerer,
      config,
      eventsUrl,
      async command(command, text, user, opts = {}) {
        const responseId = `r${++responseSeq}`;
        const triggerId = opts.triggerId ?? newTriggerId();
        const body = slashCommandBody({ command, text, user, team: TEAM, channel: opts.channel, responseUrl: `${fake.responseUrlBase}/${responseId}`, triggerId });
        const res = await postToSlackEndpoint(eventsUrl, body, 'application/x-www-form-urlencoded', sign(opts));
        return { status: res.status, responseId, triggerId };
      },
      async event(event, opts = {}) {
        const body = eventBody({ team: TEAM, event, eventId: opts.eventId });
        const eventId = JSON.parse(body).event_id as string;
        const res = await postToSlackEndpoint(eventsUrl, body, 'application/json', sign(opts));
        return { status: res.status, eventId };
      },
      async interaction(payload, opts = {}) {
        const res = await postToSlackEndpoint(eventsUrl, interactionBody(payload), 'application/x-www-form-urlencoded', sign(opts));
        return { status: res.status, json: res.json, text: res.text };
      },
      responses: (responseId) => fake.calls.filter((c) => c.method === `response_url:${responseId}`).map((c) => c.args),
      async close() {
        await server.stop();
        await testStore.close();
        await fake.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await testStore.close().catch(() => undefined);
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** All mrkdwn/plain text in a list of Block Kit blocks, joined (rich_text text elements included). */
export function blockText(blocks: any[] | undefined): string {
  const out: string[] = [];
  const richText = (x: any, depth: number): void => {
    if (!x || typeof x !== 'object' || depth > 10) return;
    if (x.type === 'text' && typeof x.text === 'string') out.push(x.text);
    for (const e of x.elements ?? []) richText(e, depth + 1);
  };
  for (const b of blocks ?? []) {
    if (b.type === 'rich_text') {
      richText(b, 0);
      continue;
    }
    if (b.text?.text) out.push(b.text.text);
    for (const f of b.fields ?? []) out.push(f.text);
    for (const e of b.elements ?? []) out.push(typeof e.text === 'string' ? e.text : (e.text?.text ?? ''));
  }
  return out.join('\n');
}

/** The value of the first button with this action id. */
export function buttonValue(blocks: any[] | undefined, actionId: string): string | undefined {
  for (const b of blocks ?? []) for (const e of b.elements ?? []) if (e.action_id === actionId) return e.value;
  return undefined;
}

export function userPayload(user: string) {
  return { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM };
}
