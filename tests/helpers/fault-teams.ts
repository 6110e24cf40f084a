import { expect } from 'vitest';
import { deletePrefix, uniquePrefix } from '../jobs/helpers.js';
import type { FakeBotConnector } from './fake-bot-connector.js';
import { startFaultServer, type FaultServer } from './fault-server.js';
import { activity } from './teams-harness.js';
import { DIRECTORY_YAML, TEAMS_USERS } from './directory-fixture.js';
import { openTestStore, type TestStore } from './store.js';
import type { Person } from '../../src/directory/types.js';

/**
 * The real server with jobs in process and Teams in local-dev mode (Slack off), on its own Postgres schema and queue
 * prefix; Teams replies and proactive sends go to `channelServiceUrl`. Teardown steps are pushed onto `cleanups`.
 */
export async function startTeamsFaultServer(channelServiceUrl: string, cleanups: (() => Promise<unknown>)[]): Promise<{ h: FaultServer; ts: TestStore }> {
  const ts = await openTestStore('postgres');
  cleanups.push(() => ts.close());
  const prefix = uniquePrefix();
  cleanups.push(() => deletePrefix(prefix));
  const h = await startFaultServer({
    store: ts.store,
    directoryYaml: DIRECTORY_YAML,
    env: { JOBS_IN_PROCESS: 'true', QUEUE_PREFIX: prefix, TEAMS_LOCAL_DEV: 'true', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' },
    teams: { channelServiceUrl, sendPolicy: { baseDelayMs: 5, maxDelayMs: 500, maxAttempts: 3 } },
  });
  cleanups.push(() => h.stop());
  return { h, ts };
}

/**
 * The Teams lead talks to the bot once (through `serviceUrl`), so the server holds a conversation reference to message
 * them later. Returns the lead's personal conversation id and directory entry.
 */
export async function teamsLeadTalksOnce(
  h: FaultServer,
  ts: TestStore,
  connector: FakeBotConnector,
  serviceUrl: string,
): Promise<{ conversation: string; person: Person }> {
  const lead = TEAMS_USERS.lead;
  const conversation = `a:personal-${lead.aadObjectId}`;
  const res = await fetch(`${h.server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity(serviceUrl, { from: lead, text: 'help' })),
    signal: AbortSignal.timeout(30_000),
  });
  expect(res.status).toBeLessThan(300);
  await connector.waitFor(() => connector.messages(conversation).length >= 1, 'help answered');
  const person = (await ts.store.directory.findPersonByTeams(lead.tenantId, lead.aadObjectId))!;
  return { conversation, person };
}
