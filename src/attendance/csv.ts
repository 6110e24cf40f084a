import { localDateTime } from '../shared/calendar.js';
import { FIGURE_FIELDS, type StoredReturn } from './types.js';

/** Excel reads UTF-8 only with a byte-order mark. */
export const UTF8_BOM = '\uFEFF';

/**
 * One CSV cell: text starting with = + - @ (or a tab/CR) gets a leading apostrophe so spreadsheet apps do not run
 * it as a formula; cells with commas, quotes, line breaks or edge spaces are quoted with doubled quotes.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = typeof value === 'boolean' ? (value ? 'yes' : 'no') : value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(cells: (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

export const EXPORT_COLUMNS = ['centre_id', 'centre_name', 'week_start', ...FIGURE_FIELDS, 'note', 'version', 'amended', 'submitted_at', 'closed'] as const;

/**
 * CSV of returns (latest versions), one row per centre-week, with BOM and CRLF line ends.
 * submitted_at is local time in `timeZone` (SCHEDULE_TIMEZONE) as "YYYY-MM-DD HH:MM:SS", which Excel reads as a date-time (ISO "T…Z" it does not).
 */
export function returnsToCsv(returns: StoredReturn[], centreNames: ReadonlyMap<string, string>, timeZone = 'Europe/London'): string {
  let out = UTF8_BOM + csvRow([...EXPORT_COLUMNS]);
  for (const r of returns) {
    out += csvRow([
      r.centreId,
      centreNames.get(r.centreId) ?? '',
      r.weekStart,
      ...FIGURE_FIELDS.map((f) => r.figures[f]),
      r.note,
      r.version,
      r.amended,
      localDateTime(r.submittedAt, timeZone),
      !!r.closed,
    ]);
  }
  return out;
}
