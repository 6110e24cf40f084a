import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createTeamsAdapter, type TeamsAdapterDeps, type TeamsBot, type TeamsUser } from '../../adapters/teams/index.js';
import { createBot, type AttendancePort, type DirectoryPort, type StatusRow } from '../../src/bot/index.js';
import { FIGURE_FIELDS, type ReturnFigures, type StoredReturn, type SubmitResult } from '../../src/attendance/types.js';
import type { Actor, Centre, Person } from '../../src/directory/types.js';
import { ValidationError, NotAuthorisedError, UnavailableError } from '../../src/errors.js';
import type { Answerer } from '../../src/knowledge/types.js';
import { createLogger } from '../../src/logger.js';
import { createBotAnswersRepo } from '../../src/store/bot-answers-repo.js';
import { createDeliveriesRepo } from '../../src/store/bot-deliveries-repo.js';
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
    return { answered: false, answer: '', citations: [] };
  },
};

/** Directory double: one lead; conversation references kept per identity so tests can read them back. */
export class TestDirectory implements DirectoryPort {
  readonly references = new Map<string, Record<string, unknown>>();
  readonly unreachable = new Set<string>();
  /** Set to make every lookup fail as a database outage would. */
  unavailable = false;
  async resolveActor(identity: Actor['identity']): Promise<Actor> {
    if (this.unavailable) throw new UnavailableError('The database is not reachable right now.');
    const person = identity.platform === 'teams' && identity.aadObjectId === LEAD.aadObjectId ? LEAD_PERSON : null;
    return { identity, person };
  }
  async submittableCentres(person: Person) {
    return CENTRES.filter((c) => person.centres.includes(c.id));
  }
  async getCentre(id: string) {
    return CENTRES.find((c) => c.id === id) ?? null;
  }
  async assignRole(): Promise<Person> {
    throw new NotAuthorisedError('not in this test');
  }
  async pauseReminders(): Promise<Centre> {
    throw new NotAuthorisedError('not in this test');
  }
}

/**
 * Attendance double with the real contract: one version per idempotency key, decided by a Postgres claim
 * (the store's claims table), amendments for a new key on the same centre and week.
 */
export function testAttendance(ts: TestStore): AttendancePort & { versions: StoredReturn[] } {
  const versions: StoredReturn[] = [];
  const byKey = new Map<string, StoredReturn>();
  return {
    versions,
    parseQuickForm() {
      throw new ValidationError([{ field: 'form', message: 'quick form not in this test' }]);
    },
    async submit(person, submission): Promise<SubmitResult> {
      const before = versions.filter((v) => v.centreId === submission.centreId && v.weekStart === submission.week).at(-1);
      const zeros = Object.fromEntries(FIGURE_FIELDS.map((k) => [k, 0])) as unknown as ReturnFigures;
      const f: ReturnFigures = { ...(before?.figures ?? zeros), ...submission.figures };
      const problems = [];
      if (f.academic + f.enrichment + f.careers + f.digital !== f.sessions) {
        problems.push({ field: 'sessions', message: 'Sessions held must equal academic + enrichment + careers + digital.' });
      }
      if (f.pupils > f.attendances) problems.push({ field: 'pupils', message: 'Unique pupils cannot exceed total attendances.' });
      if (problems.length) throw new ValidationError(problems);
      if (!(await ts.store.claims.claimOnce('test_return', submission.idempotencyKey))) {
        return { status: 'duplicate', stored: byKey.get(submission.idempotencyKey)!, changes: [] };
      }
      const weekStart = submission.week;
      const previous = versions.filter((v) => v.centreId === submission.centreId && v.weekStart === weekStart);
      const stored: StoredReturn = {
        centreId: submission.centreId,
        weekStart,
        version: previous.length + 1,
        figures: f,
        note: submission.note === undefined ? (before?.note ?? null) : submission.note,
        submittedBy: person.id,
        submittedAt: new Date(),
        amended: previous.length > 0,
      };
      versions.push(stored);
      byKey.set(submission.idempotencyKey, stored);
      return { status: previous.length ? 'amended' : 'created', stored, changes: [] };
    },
    defaultWeek: () => '2026-11-16',
    dueWeekRule: () => "From Friday 14:00 the return due is this week's; before then, last week's.",
    async get(centreId, week) {
      return versions.filter((v) => v.centreId === centreId && v.weekStart === week).at(-1) ?? null;
    },
    async list(q) {
      return versions.filter((v) => (!q.centreId || v.centreId === q.centreId) && v.weekStart >= q.from && v.weekStart <= q.to);
    },
    async status(person): Promise<StatusRow[]> {
      return person.centres.map((id) => ({
        centreId: id,
        centreName: CENTRES.find((c) => c.id === id)!.name,
        weekStart: '2026-11-16',
        stored: versions.find((v) => v.centreId === id) ?? null,
      }));
    },
  };
}

export interface TeamsHarness {
  connector: FakeBotConnector;
  teams: TeamsBot;
  directory: TestDirectory;
  attendance: ReturnType<typeof testAttendance>;
  store: TestStore;
  /** Base URL of the local server exposing POST /api/messages. */
  url: string;
  post(activity: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<TeamsAdapterDeps['config']>;
  openIdMetadataUrl?: (connector: FakeBotConnector) => string;
}

export async function startTeamsHarness(opts: HarnessOptions = {}): Promise<TeamsHarness> {
  const connector = await startFakeBotConnector();
  const store = await openTestStore('postgres', { poolSize: 5 });
  const directory = new TestDirectory();
  const attendance = testAttendance(store);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'silent', 'teams-test');
  const bot = createBot({ answerer: testAnswerer, directory, attendance, answers: createBotAnswersRepo(store.store.db, createSubjectKeys(store.store.settings)), logger });
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
    deliveries: createDeliveriesRepo(store.store.db),
    logger,
    channelServiceUrl: connector.serviceUrl,
    sendPolicy: { baseDelayMs: 5, maxDelayMs: 2_000, maxAttempts: 3 },
    openIdMetadataUrl: opts.openIdMetadataUrl?.(connector),
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
