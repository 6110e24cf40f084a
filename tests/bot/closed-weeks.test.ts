import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../app/compose.js';
import { createBot, type Bot, type Outcome } from '../../src/bot/index.js';
import { createBotAnswersRepo } from '../../src/store/bot-answers-repo.js';
import { createSubjectKeys } from '../../src/store/subject-keys.js';
import { seedDirectory } from '../helpers/directory-fixture.js';
import { openTestStore, type TestStore } from '../helpers/store.js';

// Friday 20 Nov 2026, 15:00 London: the week due is the week of 16 Nov.
const NOW = new Date('2026-11-20T15:00:00Z');
const SAM = { platform: 'slack' as const, user: 'U0LEAD001', team: 'T0CAMDEN' };

let t: TestStore;
let bot: Bot;
const stored: { centreId: string; weekStart: string; status: string }[] = [];
let n = 0;
const say = async (text: string, who: { platform: 'slack'; user: string; team: string } = SAM): Promise<Outcome & { kind: 'reply' }> =>
  (await bot.handle({ identity: who, surface: 'command', command: 'attendance', text, deliveryKey: `k${++n}` })) as Outcome & { kind: 'reply' };

beforeAll(async () => {
  t = await openTestStore('postgres');
  await seedDirectory(t.store);
  const s = createServices(t.store, { SCHEDULE_TIMEZONE: 'Europe/London', QUESTION_LOG_SALT: undefined, QUESTION_LOG_DAYS: 180, TERM_STARTS: undefined }, undefined, () => NOW);
  bot = createBot({
    answerer: { answer: async () => ({ answered: false, answer: '', citations: [] }) },
    directory: s.directory,
    attendance: s.attendance,
    answers: createBotAnswersRepo(t.store.db, createSubjectKeys(t.store.settings)),
    digest: { latestDigestFor: (a) => s.digest.latestDigestFor(a), digestForWeek: (a, w) => s.digest.digestForWeek(a, w) },
    returns: { stored: (e) => void stored.push(e) },
    now: () => NOW,
  });
});
afterAll(async () => {
  await t?.close();
});

describe('"attendance closed": no sessions this week', () => {
  it('records the week due closed (zeros with a flag), says so, sends a receipt and tells the reminders', async () => {
    const out = await say('closed note "Half term"');
    expect(out.reply.text).toMatch(/^Return received for Acland Burghley Opportunity Centre, week of 16 Nov 2026\./);
    expect(out.receipt?.text).toBe('Received: Acland Burghley Opportunity Centre, week of 16 Nov 2026, marked closed (no sessions). Thank you.');
    expect(stored).toContainEqual({ centreId: 'acland-burghley', weekStart: '2026-11-16', status: 'created' });
    const r = await t.store.returns.get('acland-burghley', '2026-11-16');
    expect(r).toMatchObject({ closed: true, note: 'Half term', figures: { sessions: 0, attendances: 0, pupils: 0 } });
  });

  it('takes a week and refuses figures with it', async () => {
    expect((await say('closed week 2026-11-09')).reply.text).toMatch(/week of 9 Nov 2026/);
    const refused = await say('closed sessions 3');
    expect(refused.reply.text).toMatch(/"closed" records no sessions .* so it takes no figures/);
  });

  it('figures sent later open the week again, and the reply says so', async () => {
    const out = await say('sessions 1 careers 1 attendances 4 pupils 4 week 2026-11-09');
    expect(out.reply.text).toContain('Open again: sessions were held');
  });

  it('a reminder\'s "No sessions this week" button does the same for its centre and week; a mention is sent to the personal chat', async () => {
    const out = (await bot.handle({ identity: SAM, surface: 'card', markClosed: { centreId: 'acland-burghley', week: '2026-11-02' }, deliveryKey: 'btn-1' })) as Outcome & { kind: 'reply' };
    expect(out.receipt?.text).toContain('week of 2 Nov 2026, marked closed');
    const again = (await bot.handle({ identity: SAM, surface: 'card', markClosed: { centreId: 'acland-burghley', week: '2026-11-02' }, deliveryKey: 'btn-2' })) as Outcome & { kind: 'reply' };
    expect(again.reply.text).toMatch(/^No change/);
    expect(again.receipt).toBeUndefined();
    const mention = await bot.handle({ identity: SAM, surface: 'mention', markClosed: { centreId: 'acland-burghley', week: '2026-11-02' }, deliveryKey: 'btn-3' });
    expect(mention.kind === 'reply' && mention.reply.text).toMatch(/handled privately/);
  });
});
