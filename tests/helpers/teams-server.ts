import { DIRECTORY_YAML, PLAYGROUND_USER, TEAMS_USERS, TENANT, withPlaygroundLead } from './directory-fixture.js';
import { startTestServer, type TestServer } from './server-harness.js';
import type { FakeBotConnector } from './fake-bot-connector.js';
import type { TestStore } from './store.js';

export { PLAYGROUND_USER, TEAMS_USERS };
export const TEAMS_TENANT = TENANT;

export interface TeamsServerHarness extends TestServer {
  connector: FakeBotConnector;
  testStore: TestStore;
  messagesUrl: string;
  post: TestServer['teamsPost'];
}

/**
 * The one test server (tests/helpers/server-harness.ts) with Teams only: the real server on 127.0.0.1 with
 * TEAMS_LOCAL_DEV, on an isolated Postgres schema, the fake Bot Connector as the activities' serviceUrl, the shared
 * test directory (with the Agents Playground's user as a lead).
 */
export async function startTeamsServer(env: Record<string, string> = {}): Promise<TeamsServerHarness> {
  const h = await startTestServer({ slack: false, teams: {}, env, directory: { yaml: withPlaygroundLead(DIRECTORY_YAML) }, answerer: 'recording' });
  return { ...h, connector: h.connector!, testStore: h.testStore!, messagesUrl: `${h.server.url}/api/messages`, post: h.teamsPost };
}
