import { waitFor } from '../helpers/wait.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../app/compose.js';
import { startRetention } from '../../app/retention.js';
import { startServer, type RunningServer } from '../../app/server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createBotAnswersRepo } from '../../src/store/bot-answers-repo.js';
import { createSubjectKeys } from '../../src/store/subject-keys.js';
import { openTestStore, type TestStore } from '../helpers/store.js';

const NO_ANSWERS = { answer: async () => ({ answered: false, answer: '', citations: [] }) };
const DAY = 86_400_000;

describe('retention runs in the process that holds the store, also while Redis is down', () => {
  let ts: TestStore;
  let server: RunningServer;
  let dataDir: string;
  beforeAll(async () => {
    ts = await openTestStore('postgres');
    dataDir = await mkdtemp(join(tmpdir(), 'camden-retention-'));
  });
  afterAll(async () => {
    await server?.stop();
    await ts?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('purges questions, answers and strangers\' Teams references past QUESTION_LOG_DAYS with no Redis at all', async () => {
    // Redis on a port where nothing listens: the nightly housekeeping job can never run.
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, QUESTION_LOG_DAYS: '30', REDIS_URL: 'redis://127.0.0.1:1', JOBS_IN_PROCESS: 'true' });
    const keys = createSubjectKeys(ts.store.settings);
    const old = new Date(Date.now() - 40 * DAY);
    await ts.store.questionLog.insert({ platform: 'slack', userHash: await keys.user('slack', 'U0OLD'), question: 'old question', normalised: 'old question', answered: false, askedAt: old });
    await ts.store.questionLog.insert({ platform: 'slack', userHash: await keys.user('slack', 'U0NEW'), question: 'recent question', normalised: 'recent question', answered: false, askedAt: new Date() });
    const answers = createBotAnswersRepo(ts.store.db, keys);
    const a = await answers.save({ platform: 'slack', question: 'old question', answer: 'x', answered: true, citations: [], asker: { platform: 'slack', user: 'U0OLD', team: 'T1' } });
    await ts.store.db.query('UPDATE bot_answers SET created_at = $2 WHERE id = $1', [a.id, old]);
    await ts.store.directory.saveTeamsConversationReference('tenant-x', 'aad-stranger', { conversation: { id: 'a:x' } });
    await ts.store.db.query('UPDATE teams_identities SET updated_at = $1', [old]);

    server = await startServer({
      config,
      logger: createLogger('silent'),
      port: 0,
      host: '127.0.0.1',
      overrides: { store: ts.store, answerer: NO_ANSWERS },
      retention: { firstCheckMs: 50, everyMs: 200 },
      drainMs: 2_000,
    });
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { redis: { status: string } };
    expect(health.redis.status).not.toBe('ready');

    // One run purges answers, then delivery keys, then strangers' references: wait for the last of them.
    await waitFor(async () => (await answers.get(a.id)) === null && (await ts.store.directory.getTeamsIdentity('tenant-x', 'aad-stranger')) === null, {
      what: 'the old answer and the stranger\'s Teams reference purged',
      timeout: 30_000,
    });
    const questions = await ts.store.db.query<{ question: string }>('SELECT question FROM question_log ORDER BY question');
    expect(questions.rows.map((q) => q.question)).toEqual(['recent question']);
    expect(await ts.store.directory.getTeamsIdentity('tenant-x', 'aad-stranger')).toBeNull();
  });
});

describe('two processes share one turn', () => {
  it('only one of them runs a period\'s retention; the next period is anyone\'s again', async () => {
    const ts = await openTestStore('postgres');
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent' });
      const logger = createLogger('silent');
      const [ctxA, ctxB] = await Promise.all([0, 1].map(() => createAppContext(config, logger, { store: ts.store, answerer: NO_ANSWERS })));
      const far = { firstCheckMs: 3_600_000, everyMs: 3_600_000 };
      const a = startRetention(ctxA!, logger, far);
      const b = startRetention(ctxB!, logger, far);
      const now = new Date();
      const runs = await Promise.all([a.runIfDue(now), b.runIfDue(now), a.runIfDue(now), b.runIfDue(now)]);
      expect(runs.filter((r) => r !== null)).toHaveLength(1);
      expect(await b.runIfDue(new Date(now.getTime() + 3_600_000))).toBeNull();
      expect(await b.runIfDue(new Date(now.getTime() + 21 * 3_600_000))).not.toBeNull();
      await Promise.all([a.stop(), b.stop()]);
      await Promise.all([ctxA!.close(), ctxB!.close()]);
    } finally {
      await ts.close();
    }
  });
});
