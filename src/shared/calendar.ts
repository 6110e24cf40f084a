/**
 * Week arithmetic on civil dates (YYYY-MM-DD) in a time zone. Weeks run Monday to Sunday; a week is named by its
 * Monday. Civil-date maths is done in UTC (no DST there); only "what date is it now" and "when does a local day
 * start" consult the time zone, so clock changes (last Sunday of March and October in Europe/London) are exact.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

const HOUR_MS = 3_600_000;

function toUtcMs(date: string): number {
  if (!isIsoDate(date)) throw new RangeError(`not a date YYYY-MM-DD: "${date}"`);
  return Date.parse(`${date}T00:00:00Z`);
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

/** Whole days from `a` to `b` (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtcMs(b) - toUtcMs(a)) / DAY_MS);
}

/** Monday of the week containing `date`. */
export function weekStartOf(date: string): string {
  const ms = toUtcMs(date);
  const isoDow = ((new Date(ms).getUTCDay() + 6) % 7) + 1; // 1 = Monday … 7 = Sunday
  return fromUtcMs(ms - (isoDow - 1) * DAY_MS);
}

export function isMonday(date: string): boolean {
  return isIsoDate(date) && weekStartOf(date) === date;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(instant: Date, timeZone: string): { date: string; time: string; ms: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
  const ms = Date.parse(`${date}T${time}Z`) + instant.getUTCMilliseconds();
  return { date, time, ms };
}

/** "YYYY-MM-DD HH:MM:SS" wall-clock time of an instant in a time zone. */
export function localDateTime(instant: Date, timeZone: string): string {
  const { date, time } = wallClock(instant, timeZone);
  return `${date} ${time}`;
}

/** The civil date of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  return wallClock(instant, timeZone).date;
}

/** Offset of the zone from UTC at an instant, in ms (Europe/London: 0 in winter, 3,600,000 in summer). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  return wallClock(instant, timeZone).ms - instant.getTime();
}

/** The instant a civil date begins (local midnight) in a time zone. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const wall = toUtcMs(date);
  // Midnight at the offset in force before the day and at the one after it; the earlier that falls on the date is
  // the start. Where clocks jump forward at midnight (Santiago, Havana) midnight never happens, and the day starts
  // at the change itself, which is midnight at the old offset.
  const before = wall - zoneOffsetMs(new Date(wall - 12 * HOUR_MS), timeZone);
  const after = wall - zoneOffsetMs(new Date(wall + 12 * HOUR_MS), timeZone);
  const onDate = [before, after].filter((t) => localDate(new Date(t), timeZone) === date);
  return new Date(onDate.length ? Math.min(...onDate) : before);
}

/** Monday of the week in progress at `now`. */
export function currentWeekStart(now: Date, timeZone: string): string {
  return weekStartOf(localDate(now, timeZone));
}

/** Monday of the week just ended at `now` (the default week for a return). */
export function weekJustEnded(now: Date, timeZone: string): string {
  return addDays(currentWeekStart(now, timeZone), -7);
}

/** The instants bounding a week: [start, end) from Monday 00:00 to the next Monday 00:00 local time. */
export function weekBounds(weekStart: string, timeZone: string): { start: Date; end: Date } {
  const monday = weekStartOf(weekStart);
  return { start: startOfLocalDay(monday, timeZone), end: startOfLocalDay(addDays(monday, 7), timeZone) };
}

/** `count` week starts ending with `last`, newest first. */
export function recentWeeks(last: string, count: number): string[] {
  const monday = weekStartOf(last);
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(monday, -7 * i));
}
