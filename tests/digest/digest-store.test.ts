import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, weekJustEnded } from '../../src/shared/calendar.js';
import { createServices } from '../../app/compose.js';
import { seedDirectory, type Fixture } from '../helpers/directory-fixture.js';
import { SAMPLE_FIGURES } from '../helpers/figures.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/store.js';

const TZ = 'Europe/London';

describe.each(ENGINES)('digest through the services on %s', (engine) => {
  let t: TestStore;
  let people: Fixture;
  beforeAll(async () => {
    t = await openTestStore(engine);
    people = await seedDirectory(t.store);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists a return amended during the digest week however old its week (an admin correcting last term)', async () => {
    const digestWeek = weekJustEnded(new Date(), TZ);
    const oldWeek = addDays(digestWeek, -7 * 20); // before the chart's 12 weeks and, usually, the term
    const write = { centreId: 'acland-burghley', weekStart: oldWeek, submittedBy: people.sam.id, submittedByName: 'Sam' };
    await t.store.returns.submit({ ...write, figures: SAMPLE_FIGURES, idempotencyKey: 'old-v1' });
    await t.store.returns.submit({ ...write, figures: { ...SAMPLE_FIGURES, parents: SAMPLE_FIGURES.parents + 1 }, idempotencyKey: 'old-v2' });

    const { digest } = createServices(t.store, { SCHEDULE_TIMEZONE: TZ, QUESTION_LOG_SALT: undefined, QUESTION_LOG_DAYS: 180, TERM_STARTS: undefined });
    const model = await digest.modelFor(digestWeek);
    expect(model.amendedLate).toEqual([expect.objectContaining({ centreId: 'acland-burghley', weekStart: oldWeek, version: 2 })]);
  });
});
