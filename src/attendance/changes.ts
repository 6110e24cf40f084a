import { FIGURE_FIELDS, type FieldChange, type ReturnFigures } from './types.js';

/** What changed from one version to the next, figures in form order then the note. */
export function diffReturns(
  prev: { figures: ReturnFigures; note: string | null },
  next: { figures: ReturnFigures; note: string | null },
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const f of FIGURE_FIELDS) {
    if (prev.figures[f] !== next.figures[f]) changes.push({ field: f, from: prev.figures[f], to: next.figures[f] });
  }
  if ((prev.note ?? null) !== (next.note ?? null)) changes.push({ field: 'note', from: prev.note ?? null, to: next.note ?? null });
  return changes;
}
