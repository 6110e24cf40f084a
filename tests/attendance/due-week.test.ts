import { describe, expect, it } from 'vitest';
import { dueWeek, dueWeekRule, firstReminderOfWeek } from '../../src/attendance/due-week.js';

const TZ = 'Europe/London';
const at = (iso: string) => new Date(iso);

describe('the week that is due: this week from the week\'s first reminder on, last week before it', () => {
  it.each([
    // Autumn, GMT (UTC+0). Friday 20 Nov 2026, reminder 14:00.
    ['Monday 16 Nov 00:00 GMT', '2026-11-16T00:00:00Z', '2026-11-09'],
    ['Friday 20 Nov 13:59:59 GMT', '2026-11-20T13:59:59Z', '2026-11-09'],
    ['Friday 20 Nov 14:00 GMT (the reminder)', '2026-11-20T14:00:00Z', '2026-11-16'],
    ['Saturday 21 Nov', '2026-11-21T09:00:00Z', '2026-11-16'],
    ['Sunday 22 Nov 23:59 GMT', '2026-11-22T23:59:00Z', '2026-11-16'],
    ['Monday 23 Nov 00:00 GMT (nudge day: still the reminder\'s week)', '2026-11-23T00:00:00Z', '2026-11-16'],
    ['Monday 23 Nov 10:00 GMT (the nudge)', '2026-11-23T10:00:00Z', '2026-11-16'],
    // Clocks go forward on Sunday 29 Mar 2026 (GMT -> BST). Friday 27 Mar is still GMT.
    ['Friday 27 Mar 13:59 GMT', '2026-03-27T13:59:00Z', '2026-03-16'],
    ['Friday 27 Mar 14:00 GMT', '2026-03-27T14:00:00Z', '2026-03-23'],
    ['Sunday 29 Mar 23:30 BST', '2026-03-29T22:30:00Z', '2026-03-23'],
    ['Monday 30 Mar 00:00 BST', '2026-03-29T23:00:00Z', '2026-03-23'],
    ['Friday 3 Apr 13:59 BST (12:59 UTC)', '2026-04-03T12:59:00Z', '2026-03-23'],
    ['Friday 3 Apr 14:00 BST (13:00 UTC)', '2026-04-03T13:00:00Z', '2026-03-30'],
    // Clocks go back on Sunday 25 Oct 2026 (BST -> GMT).
    ['Friday 23 Oct 13:59 BST', '2026-10-23T12:59:00Z', '2026-10-12'],
    ['Friday 23 Oct 14:00 BST', '2026-10-23T13:00:00Z', '2026-10-19'],
    ['Sunday 25 Oct 01:30 (the repeated hour)', '2026-10-25T01:30:00Z', '2026-10-19'],
    ['Friday 30 Oct 13:59 GMT', '2026-10-30T13:59:00Z', '2026-10-19'],
    ['Friday 30 Oct 14:00 GMT', '2026-10-30T14:00:00Z', '2026-10-26'],
  ])('%s -> week of %s', (_what, instant, week) => {
    expect(dueWeek(at(instant), TZ)).toBe(week);
  });

  it('follows REMINDER_CRON and the time zone', () => {
    // Reminders on Thursdays at 09:30 New York time.
    const cron = '30 9 * * 4';
    expect(dueWeek(at('2026-11-19T14:29:00Z'), 'America/New_York', cron)).toBe('2026-11-09');
    expect(dueWeek(at('2026-11-19T14:30:00Z'), 'America/New_York', cron)).toBe('2026-11-16');
    // A schedule with no reminder this week: the week just ended is due all week.
    expect(dueWeek(at('2026-11-20T18:00:00Z'), TZ, '0 14 1 1 *')).toBe('2026-11-09');
    expect(firstReminderOfWeek('2026-11-16', TZ, '0 14 * * 5')?.toISOString()).toBe('2026-11-20T14:00:00.000Z');
  });

  it('is stated in words for the form and the reminder', () => {
    expect(dueWeekRule(TZ, '0 14 * * 5', at('2026-11-18T10:00:00Z'))).toBe("From Friday 14:00 the return due is this week's; before then, last week's.");
  });
});
