import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createTeamsAdapter, type TeamsAdapterDeps, type TeamsBot, type TeamsUser } from '../../adapters/teams/index.js';
import { createServices } from '../../app/compose.js';
import { createBot, type DirectoryPort } from '../../src/bot/index.js';
import type { AttendanceService } from '../../src/attendance/service.js';
import { FIGURE_FIELDS, type ReturnFigures } from '../../src/attendance/types.js';
import { parseDirectoryFile } from '../../src/directory/file.js';
import { importDirectory } from '../../src/directory/import.js';
import type { DirectoryService } from '../../src/directory/service.js';
import type { Actor, Centre, Person } from '../../src/directory/types.js';
import { UnavailableError } from '../../src/errors.js';
import type { Answerer } from '../../src/knowledge/types.js';
import { createLogger } from '../../src/logger.js';
import { createBotAnswersRepo } from '../../src/store/bot-answers-repo.js';
import { createDeliveriesRepo } from '../../src/store/bot-deliveries-repo.js';
import { DeliveryGuard } from '../../src/bot/deliveries.js';
import { createSubjectKeys } from '../../src/store/subject-keys.js';
import { startFakeBotConnector, type FakeBotConnector } from './fake-bot-connector.js';
import { openTestStore, type TestStore } from './store.js';

export const TENANT = '72f988bf-0000-4000-8000-000000000001';
export const LEAD: TeamsUser = { aadObjectId: '6f1c0000-0000-4000-8000-00000000lead', tenantId: TENANT };
export const STAFF: TeamsUser = { aadObjectId: '6f1c0000-0000-4000-8000-0000000staff', tenantId: TENANT };

export const CENTRES: Centre[] = [
  { id: 'acland-burghley', name: 'Acland Burghley Opportunity Centre', active: true, remindersPausedUntil: null },
  { id: 'la-sainte-union', name: 'La Sainte Union Opportunity Centre', active: true, remindersPausedUntil: null },
];

/** The directory of these tests: one lead with a Teams identity; STAFF is in no entry (plain staff). */
export const TEAMS_ADAPTER_DIRECTORY = `
centres:
${CENTRES.map((c) => `  - id: ${c.id}\n    name: ${c.name}`).join('\n')}
people:
  - name: Sam Okafor
    email: sam.okafor@example.org
    roles: [oc_lead]
    centres: [acland-burghley]
    teams: { aadObjectId: ${LEAD.aadObjectId}, tenantId: ${TENANT} }
`;

/** The services' clock: Wednesday 25 Nov 2026, so the week just ended is the week of 16 Nov. */
export const HARNESS_NOW = new Date('2026-11-25T10:00:00Z');

export const LEAD_PERSON: Person = {
  id: 1,
  name: 'Sam Okafor',
  email: 'sam.okafor@example.org',
  roles: ['oc_lead'],
  centres: ['acland-burghley'],
  teams: { aadObjectId: LEAD.aadObjectId, tenantId: TENANT },
};

/**
 * Answers from a fixed two-passage "knowledge base": questions about the careers club are answered with a citation,
 * anything else is an abstention. The real retrieval is tested in tests/knowledge; here the adapter is under test.
 */
export const testAnswerer: Answerer = {
  async answer(question) {
    if (/career/i.test(question)) {
      return {
        answered: true,
        answer: 'Camden Career Club runs at the Euston Skills Centre for *all* Year 12 students.',
        citations: [
          {
            source: 'building-back-stronger-2024-25.pdf',
            title: 'Building Back Stronger 2024-25',
            section: 'Opportunity Centres',
            excerpt: 'The Camden Career Club at the Euston Skills Centre offers [careers] sessions.',
          },
        ],
      };
    }
    return { answered: false, answer: 'The documents I can search do not cover that, so I cannot answer it. They cover: Building Back Stronger 2024-25.', citations: [] };
  },
};

/**
 * The real directory service, with a switch that makes every lookup fail as a database outage would, and the
 * Teams conversation references kept per identity so tests can read them back.
 */
export class TestDirectory implements DirectoryPort {
  readonly references = new Map<string, Record<string, unknown>>();
  readonly unreachable = new Set<string>();
  /** Set to make every lookup fail as a database outage would. */
  unavailable = false;
  constructor(private readonly real: DirectoryService) {}
  async resolveActor(identity: Actor['identity']): Promise<Actor> {
    if (this.unavailable) throw new UnavailableError('The database is not reachable right now.');
    return this.real.resolveActor(identity);
  }
  submittableCentres(person: Person): Promise<Centre[]> {
    return this.real.submittableCentres(person);
  }
}

export interface TeamsHarness {
  connector: FakeBotConnector;
  teams: TeamsBot;
  directory: TestDirectory;
  /** The real attendance service over the test store. */
  attendance: AttendanceService;
  store: TestStore;
  /** Base URL of the local server exposing POST /api/messages. */
  url: string;
  post(activity: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<TeamsAdapterDeps['config']>;
  openIdMetadataUrl?: (connector: FakeBotConnector) => string;
  authTimeoutMs?: number;
}

export async function startTeamsHarness(opts: HarnessOptions = {}): Promise<TeamsHarness> {
  const connector = await startFakeBotConnector();
  const store = await openTestStore('postgres', { poolSize: 5 });
  await importDirectory(store.store, parseDirectoryFile(TEAMS_ADAPTER_DIRECTORY, 'teams adapter directory'));
  const services = createServices(store.store, { SCHEDULE_TIMEZONE: 'Europe/London', QUESTION_LOG_SALT: 'salt', QUESTION_LOG_DAYS: 180, TERM_STARTS: undefined }, undefined, () => HARNESS_NOW);
  const directory = new TestDirectory(services.directory);
  const attendance = services.attendance;
  const logger = createLogger(process.env.LOG_LEVEL ?? 'silent', 'teams-test');
  const bot = createBot({ answerer: testAnswerer, directory, attendance, answers: createBotAnswersRepo(store.store.db, createSubjectKeys(store.store.settings)), logger, now: () => HARNESS_NOW });
  const teams = createTeamsAdapter({
    config: {
      MICROSOFT_APP_ID: undefined,
      MICROSOFT_APP_PASSWORD: undefined,
      MICROSOFT_APP_TENANT_ID: undefined,
      MICROSOFT_APP_TYPE: 'MultiTenant',
      TEAMS_LOCAL_DEV: true,
      NODE_ENV: 'test',
      ...opts.config,
    },
    bot,
    conversations: {
      async saveReference(user, reference) {
        directory.references.set(`${user.tenantId}:${user.aadObjectId}`, reference);
        directory.unreachable.delete(`${user.tenantId}:${user.aadObjectId}`);
      },
      async markUnreachable(user) {
        directory.unreachable.add(`${user.tenantId}:${user.aadObjectId}`);
      },
    },
    deliveries: new DeliveryGuard(createDeliveriesRepo(store.store.db), { logger }),
    logger,
    channelServiceUrl: connector.serviceUrl,
    sendPolicy: { baseDelayMs: 5, maxDelayMs: 2_000, maxAttempts: 3 },
    openIdMetadataUrl: opts.openIdMetadataUrl?.(connector),
    authTimeoutMs: opts.authTimeoutMs,
  });
  const app = express();
  app.post('/api/messages', (req, res) => void teams.handle(req as never, res as never));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    connector,
    teams,
    directory,
    attendance,
    store,
    url,
    async post(activity, headers = {}) {
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
        signal: AbortSignal.timeout(30_000),
      });
      return { status: res.status, body: await res.text() };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(() => r(undefined)));
      await connector.close();
      await store.close();
    },
  };
}

let seq = 0;

/** A Teams activity as the Bot Connector service would post it. */
export function activity(
  serviceUrl: string,
  opts: {
    from?: TeamsUser;
    text?: string;
    value?: Record<string, unknown>;
    replyToId?: string;
    type?: string;
    conversation?: { id: string; conversationType: 'personal' | 'channel' | 'groupChat' };
    mention?: boolean;
    id?: string;
    membersAdded?: { id: string }[];
  } = {},
): Record<string, unknown> {
  const from = opts.from ?? STAFF;
  const conversation = opts.conversation ?? { id: `a:personal-${from.aadObjectId}`, conversationType: 'personal' as const };
  const botId = '28:camden-bot';
  const text = opts.mention ? `<at>Camden</at> ${opts.text ?? ''}` : opts.text;
  return {
    type: opts.type ?? 'message',
    id: opts.id ?? `in-${Date.now()}-${++seq}`,
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    from: { id: `29:${from.aadObjectId}`, name: from === LEAD ? 'Sam Okafor' : 'Alex Staff', aadObjectId: from.aadObjectId },
    recipient: { id: botId, name: 'Camden' },
    conversation: { ...conversation, tenantId: from.tenantId, isGroup: conversation.conversationType !== 'personal' },
    channelData: { tenant: { id: from.tenantId } },
    locale: 'en-GB',
    ...(text !== undefined ? { text, textFormat: 'plain' } : {}),
    ...(opts.value ? { value: opts.value } : {}),
    ...(opts.replyToId ? { replyToId: opts.replyToId } : {}),
    ...(opts.membersAdded ? { membersAdded: opts.membersAdded } : {}),
    ...(opts.mention ? { entities: [{ type: 'mention', text: '<at>Camden</at>', mentioned: { id: botId, name: 'Camden' } }] } : {}),
  };
}

export function figures(over: Partial<Record<keyof ReturnFigures, string>> = {}): Record<string, string> {
  const base: Record<string, string> = {
    sessions: '6', academic: '4', enrichment: '2', careers: '0', digital: '0', weekend: '1',
    attendances: '120', pupils: '45', fsm: '30', send: '8', parents: '3',
  };
  for (const f of FIGURE_FIELDS) if (over[f] !== undefined) base[f] = over[f]!;
  return base;
}
