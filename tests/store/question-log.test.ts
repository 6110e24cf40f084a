import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestStore, type TestStore } from '../helpers/store.js';
import { QuestionLog, normaliseQuestion } from '../../src/store/question-log.js';

describe('normaliseQuestion', () => {
  it('folds case, quotes, punctuation and spacing', () => {
    expect(normaliseQuestion('  What’s the CPD offer?? ')).toBe("what's the cpd offer");
    expect(normaliseQuestion("WHAT'S  the cpd   offer")).toBe("what's the cpd offer");
    expect(normaliseQuestion('"SEND" guidance!')).toBe('send guidance');
  });
});

describe.each(ENGINES)('question log on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores a salted hash, never the user id, and a stable per-installation salt when none is configured', async () => {
    const log = new QuestionLog(t.store, { retentionDays: 180 });
    await log.record({ platform: 'slack', userId: 'U0SECRET1', question: 'Where is the careers fair?', answered: false, at: new Date('2026-06-10T10:00:00Z') });
    const rows = await t.store.db.query<Record<string, unknown>>('SELECT * FROM question_log');
    expect(JSON.stringify(rows.rows)).not.toContain('U0SECRET1');
    const hash = await log.hashUser('slack', 'U0SECRET1');
    expect(rows.rows[0]!.user_hash).toBe(hash);
    // A second instance (another process) gets the same installation salt; a configured salt gives another hash.
    expect(await new QuestionLog(t.store, { retentionDays: 180 }).hashUser('slack', 'U0SECRET1')).toBe(hash);
    expect(await new QuestionLog(t.store, { retentionDays: 180, salt: 'configured' }).hashUser('slack', 'U0SECRET1')).not.toBe(hash);
    expect(await log.hashUser('teams', 'U0SECRET1')).not.toBe(hash);
  });

  it('a salt that could not be read (database away) is read again on the next question, not cached as a failure', async () => {
    let failures = 1;
    const settings = t.store.settings;
    const flaky = {
      ...t.store,
      settings: {
        ...settings,
        installationSecret: (key: string) =>
          failures-- > 0 ? Promise.reject(new Error('The database is not reachable right now.')) : settings.installationSecret(key),
      },
    };
    const log = new QuestionLog(flaky, { retentionDays: 180 });
    await expect(log.hashUser('slack', 'U0FLAKY')).rejects.toThrow(/not reachable/);
    expect(await log.hashUser('slack', 'U0FLAKY')).toBe(await new QuestionLog(t.store, { retentionDays: 180 }).hashUser('slack', 'U0FLAKY'));
  });

  it('ranks the most frequent unanswered questions in a range and logs a redelivery once', async () => {
    const log = new QuestionLog(t.store, { retentionDays: 180 });
    const at = (d: string) => new Date(`${d}T12:00:00Z`);
    await log.record({ platform: 'slack', userId: 'U1', question: 'What is the CPD offer?', answered: false, at: at('2026-06-09'), deliveryKey: 'ev-1' });
    await log.record({ platform: 'slack', userId: 'U1', question: 'What is the CPD offer?', answered: false, at: at('2026-06-09'), deliveryKey: 'ev-1' });
    await log.record({ platform: 'teams', userId: 'A2', question: 'what is the cpd offer', answered: false, at: at('2026-06-10') });
    await log.record({ platform: 'slack', userId: 'U3', question: 'Who runs the SEND hub?', answered: false, at: at('2026-06-11') });
    await log.record({ platform: 'slack', userId: 'U3', question: 'What is the strategy?', answered: true, at: at('2026-06-11') });
    await log.record({ platform: 'slack', userId: 'U3', question: 'Old question', answered: false, at: at('2026-05-01') });
    const top = await log.topUnanswered(new Date('2026-06-08T00:00:00Z'), new Date('2026-06-15T00:00:00Z'), 10);
    expect(top).toEqual([
      { question: 'what is the cpd offer', count: 2 },
      { question: 'Who runs the SEND hub?', count: 1 },
      { question: 'Where is the careers fair?', count: 1 },
    ]);
    expect(await log.topUnanswered(new Date('2026-06-08T00:00:00Z'), new Date('2026-06-15T00:00:00Z'), 1)).toHaveLength(1);
  });

  it('purges entries older than the retention period', async () => {
    const log = new QuestionLog(t.store, { retentionDays: 30 });
    const before = (await t.store.db.query<{ n: number }>('SELECT count(*) AS n FROM question_log')).rows[0]!.n;
    // now = 2026-06-15: everything before 2026-05-16 goes (the 2026-05-01 question).
    expect(await log.purgeQuestionLog(new Date('2026-06-15T00:00:00Z'))).toBe(1);
    const after = (await t.store.db.query<{ n: number }>('SELECT count(*) AS n FROM question_log')).rows[0]!.n;
    expect(after).toBe(before - 1);
    expect(await log.purgeQuestionLog(new Date('2026-06-15T00:00:00Z'))).toBe(0);
  });
});
