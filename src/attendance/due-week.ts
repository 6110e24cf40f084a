import { CronExpressionParser } from 'cron-parser';
import { addDays, currentWeekStart, startOfLocalDay } from '../shared/calendar.js';

/** REMINDER_CRON's default: Friday 14:00. */
export const DEFAULT_REMINDER_CRON = '0 14 * * 5';

/** The first reminder of the week starting `weekStart` (a Monday), or null when the schedule sends none that week. */
export function firstReminderOfWeek(weekStart: string, timeZone: string, reminderCron: string): Date | null {
  const start = startOfLocalDay(weekStart, timeZone);
  const end = startOfLocalDay(addDays(weekStart, 7), timeZone);
  // next() is strictly after currentDate: start a millisecond early so a reminder at Monday 00:00 counts.
  const next = CronExpressionParser.parse(reminderCron, { currentDate: new Date(start.getTime() - 1), tz: timeZone }).next().toDate();
  return next < end ? next : null;
}

/**
 * The week a return is due for at `now` (its Monday): the week in progress from the week's first reminder on
 * (REMINDER_CRON, by default Friday 14:00 in SCHEDULE_TIMEZONE), the week just ended before it. So the reminder, a
 * reply to it on Friday afternoon or over the weekend, and Monday's nudge all mean the same week, and every default
 * (quick form, forms, status, App Home) follows this one rule. Clock changes are the time zone's: 14:00 stays 14:00.
 */
export function dueWeek(now: Date, timeZone: string, reminderCron: string = DEFAULT_REMINDER_CRON): string {
  const current = currentWeekStart(now, timeZone);
  const reminder = firstReminderOfWeek(current, timeZone, reminderCron);
  return reminder && now.getTime() >= reminder.getTime() ? current : addDays(current, -7);
}

/** "Friday 14:00": when the due week moves on to the week in progress, for messages. */
export function dueWeekSwitch(timeZone: string, reminderCron: string = DEFAULT_REMINDER_CRON, now: Date = new Date()): string | null {
  const reminder = firstReminderOfWeek(currentWeekStart(now, timeZone), timeZone, reminderCron);
  if (!reminder) return null;
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(reminder);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('weekday')} ${get('hour')}:${get('minute')}`;
}

/** The rule in a sentence, for the form and the reminder. */
export function dueWeekRule(timeZone: string, reminderCron: string = DEFAULT_REMINDER_CRON, now: Date = new Date()): string {
  const at = dueWeekSwitch(timeZone, reminderCron, now);
  return at
    ? `From ${at} the return due is this week's; before then, last week's.`
    : "The return due is last week's.";
}

/**
 * Until when a return typed without a week still means the week starting `week` when that week is due: the first
 * reminder of the week after it ("Friday 27 Nov, 14:00"), or null when the schedule sends none then.
 */
export function dueUntilText(week: string, timeZone: string, reminderCron: string = DEFAULT_REMINDER_CRON): string | null {
  const next = firstReminderOfWeek(addDays(week, 7), timeZone, reminderCron);
  if (!next) return null;
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(next);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('weekday')} ${get('day')} ${get('month')}, ${get('hour')}:${get('minute')}`;
}
