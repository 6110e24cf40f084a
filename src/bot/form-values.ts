import { FIGURE_FIELDS, FIGURE_LABELS, type ReturnFigures } from '../attendance/types.js';
import { ValidationError, type FieldProblem } from '../errors.js';
import { isIsoDate } from '../shared/calendar.js';
import { figureValueProblem } from '../attendance/schema.js';

/** Raw values from a platform form (Slack modal, Teams card): every field as the person typed it. */
export interface AttendanceFormValues {
  centreId?: string | null;
  week?: string | null;
  figures: Partial<Record<keyof ReturnFigures, string | number | null | undefined>>;
  note?: string | null;
  /**
   * What the form was showing when it was filled in: its centre, week and the version of the return it was filled
   * with (null: none). An empty note on a form that showed a return clears it; on one that showed none it leaves any
   * note alone. The core refuses a submission whose centre or week differs from a filled-in form's, or whose return
   * changed since, rather than store one week's figures in another or undo someone's amendment.
   */
  shown?: { centreId: string | null; week: string | null; version: number | null } | null;
}

/**
 * Parse form strings into whole numbers; problems name the field as the form labels it. An empty box is a figure
 * not given: an amendment keeps it, a first return takes 0 (the core figures are required there).
 */
export function parseFormValues(values: AttendanceFormValues): { centreId: string; week: string; figures: Partial<ReturnFigures>; note?: string | null } {
  const problems: FieldProblem[] = [];
  const figures: Partial<ReturnFigures> = {};
  for (const field of FIGURE_FIELDS) {
    const raw = values.figures[field];
    const text = raw === null || raw === undefined ? '' : String(raw).trim();
    if (text === '') continue;
    if (!/^\d+$/.test(text)) {
      const problem = /^-?\d+(\.\d+)?$/.test(text) ? figureValueProblem(field, Number(text), 'labels', text) : null;
      problems.push({ field, message: problem ?? `${FIGURE_LABELS[field]} must be a whole number, got "${text.slice(0, 20)}".` });
      continue;
    }
    const problem = figureValueProblem(field, Number(text), 'labels', text);
    if (problem) problems.push({ field, message: problem });
    else figures[field] = Number(text);
  }
  const centreId = values.centreId?.trim() ?? '';
  if (!centreId) problems.push({ field: 'centre', message: 'Choose a centre.' });
  const week = values.week?.trim() ?? '';
  if (!week) problems.push({ field: 'week', message: 'Choose the week.' });
  else if (!isIsoDate(week)) problems.push({ field: 'week', message: `week must be a date YYYY-MM-DD, got "${week.slice(0, 20)}".` });
  if (problems.length) throw new ValidationError(problems);
  const typed = values.note?.trim() ? values.note.trim() : null;
  const note = typed ?? (values.shown?.version ? null : undefined);
  return { centreId, week, figures, ...(note !== undefined ? { note } : {}) };
}
