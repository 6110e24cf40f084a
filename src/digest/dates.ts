/**
 * Dates as people read them in the digest ("16 Nov 2026"). Calendar arithmetic and weeks live in
 * src/shared/calendar.ts.
 */
import { isIsoDate } from '../shared/calendar.js';

function toUtc(date: string): Date {
  if (!isIsoDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): "${date}"`);
  return new Date(`${date}T00:00:00Z`);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "16 Nov 2026". */
export function formatDate(date: string): string {
  const d = toUtc(date);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "16 Nov" (for chart axes). */
export function formatShortDate(date: string): string {
  const d = toUtc(date);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}
