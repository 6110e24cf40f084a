import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import { importDirectory } from '../../src/directory/import.js';
import { createKnowledgeBase } from '../../src/knowledge/index.js';
import { startServer, type RunningServer } from '../../app/server.js';
import { startFakeBotConnector, type FakeBotConnector } from './fake-bot-connector.js';
import { openTestStore, type TestStore } from './store.js';
import type { TeamsUser } from '../../adapters/teams/index.js';

export const TEAMS_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const TEAMS_USERS = {
  lead: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000a001', tenantId: TEAMS_TENANT },
  multiLead: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000a002', tenantId: TEAMS_TENANT },
  network: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000a003', tenantId: TEAMS_TENANT },
  staff: { aadObjectId: '6f1c2a3b-0000-4000-8000-00000000a999', tenantId: TEAMS_TENANT },
} satisfies Record<string, TeamsUser>;

/** Microsoft 365 Agents Playground's default user, registered as a lead so the playground can try attendance. */
export const PLAYGROUND_USER = { aadObjectId: '00000000-0000-0000-0000-0000000000020', tenantId: '00000000-0000-0000-0000-0000000000001' };

export const TEAMS_DIRECTORY_YAML = `
centres:
  - id: acland-burghley
    name: Acland Burghley Opportunity Centre
    from: 2026-01-05
  - id: la-sainte-union
    name: La Sainte Union Opportunity Centre
    from: 2026-01-05
  - id: london-ai-campus
    name: London AI Campus
    from: 2026-01-05
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
    teams: { aadObjectId: ${TEAMS_USERS.lead.aadObjectId}, tenantId: ${TEAMS_TENANT} }
  - name: Priya Shah
    email: priya.shah@example.org
    roles: [oc_lead]
    centres: [la-sainte-union, london-ai-campus]
    teams: { aadObjectId: ${TEAMS_USERS.multiLead.aadObjectId}, tenantId: ${TEAMS_TENANT} }
  - name: Nia Roberts
    email: nia.roberts@example.org
    roles: [network_lead]
    teams: { aadObjectId: ${TEAMS_USERS.network.aadObjectId}, tenantId: ${TEAMS_TENANT} }
  - name: Alex Wilber
    email: alex.wilber@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
    teams: { aadObjectId: ${PLAYGROUND_USER.aadObjectId}, tenantId: ${PLAYGROUND_USER.tenantId} }
digest:
  slackChannels: []
  teamsChannels: ['19:digest@thread.tacv2']
`;

export interface TeamsServerHarness {
  connector: FakeBotConnector;
  server: RunningServer;
  testStore: TestStore;
  config: Config;
  messagesUrl: string;
  post(activity: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/**
 * The real server (`startServer`: app context, knowledge base over knowledge/, directory, attendance service, bot
 * core, Teams adapter at /api/messages) on 127.0.0.1 with TEAMS_LOCAL_DEV, on an isolated Postgres schema, with a
 * fake Bot Connector as the activities' serviceUrl.
 */
export async function startTeamsServer(env: Record<string, string> = {}): Promise<TeamsServerHarness> {
  const connector = await startFakeBotConnector();
  const testStore = await openTestStore('postgres');
  const dataDir = await mkdtemp(join(tmpdir(), 'camden-teams-'));
  try {
    await importDirectory(testStore.store, parseDirectoryFile(TEAMS_DIRECTORY_YAML, 'teams test directory'));
    const config = loadConfig({
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: resolve('knowledge'),
      JOBS_IN_PROCESS: 'false',
      TEAMS_LOCAL_DEV: 'true',
      ...env,
    });
    const logger = createLogger(config.LOG_LEVEL);
    const answerer = await createKnowledgeBase(config, logger);
    const server = await startServer({
      config,
      logger,
      port: 0,
      host: '127.0.0.1',
      jobs: false,
      overrides: { store: testStore.store, answerer },
      teams: { channelServiceUrl: connector.serviceUrl, sendPolicy: { baseDelayMs: 5, maxDelayMs: 2_000, maxAttempts: 3 } },
      drainMs: 5_000,
    });
    const messagesUrl = `${server.url}/api/messages`;
    return {
      connector,
      server,
      testStore,
      config,
      messagesUrl,
      async post(activity, headers = {}) {
        const res = await fetch(messagesUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(activity),
          signal: AbortSignal.timeout(60_000),
        });
        return { status: res.status, body: await res.text() };
      },
      async close() {
        await server.stop();
        await testStore.close();
        await connector.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await testStore.close().catch(() => undefined);
    await connector.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
