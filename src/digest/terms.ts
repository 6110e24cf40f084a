import { addDays, isIsoDate, weekStartOf } from '../shared/calendar.js';

/**
 * English school terms, as used for term-to-date totals.
 *
 * Default calendar (no TERM_STARTS configured), for each academic year:
 * - autumn term from 1 September,
 * - spring term from 1 January,
 * - summer term from the Monday after Easter Sunday (Easter moves, so the summer term moves with it).
 * A term runs until the day before the next term starts, so holidays are counted in the term before them
 * (a centre that runs holiday sessions still sees them in a term total).
 *
 * With TERM_STARTS (a comma-separated list of YYYY-MM-DD dates, e.g. the borough's published first days
 * of term), those dates replace the default: a term starts on each listed date and runs until the next.
 *
 * A week belongs to the term in force on its Monday; the first week of a term is the one containing its
 * start date (so a term starting on Wednesday 1 September counts from Monday 30 August).
 */
export interface Term {
  /** "Autumn 2026", "Spring 2027", "Summer 2027", or "Term from 2026-09-03" for configured dates. */
  name: string;
  /** First day of the term, YYYY-MM-DD. */
  start: string;
  /** Monday of the week containing `start`: the first week counted in the term. */
  firstWeek: string;
}

/** Easter Sunday (Gregorian), by the anonymous algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function defaultTermStarts(year: number): Term[] {
  const mk = (name: string, start: string): Term => ({ name, start, firstWeek: weekStartOf(start) });
  return [
    mk(`Spring ${year}`, `${year}-01-01`),
    mk(`Summer ${year}`, addDays(easterSunday(year), 1)),
    mk(`Autumn ${year}`, `${year}-09-01`),
  ];
}

/** Parse TERM_STARTS ("2026-09-03,2027-01-05,2027-04-19"); throws RangeError naming the bad entry. */
export function parseTermStarts(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const dates = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const d of dates) {
    if (!isIsoDate(d)) throw new RangeError(`TERM_STARTS: "${d}" is not a date in the form YYYY-MM-DD`);
  }
  return [...new Set(dates)].sort();
}

/**
 * The term the week starting `weekStart` (a Monday) belongs to.
 * With configured starts, a week before the first configured date has no term (null).
 */
export function termOf(weekStart: string, configuredStarts?: readonly string[]): Term | null {
  let candidates: Term[];
  if (configuredStarts && configuredStarts.length > 0) {
    candidates = configuredStarts.map((start) => ({ name: `Term from ${start}`, start, firstWeek: weekStartOf(start) }));
  } else {
    const year = Number(weekStart.slice(0, 4));
    candidates = [...defaultTermStarts(year - 1), ...defaultTermStarts(year), ...defaultTermStarts(year + 1)];
  }
  let found: Term | null = null;
  for (const t of candidates) {
    if (t.firstWeek <= weekStart && (found === null || t.firstWeek > found.firstWeek)) found = t;
  }
  return found;
}
