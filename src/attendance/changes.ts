import { FIGURE_FIELDS, type FieldChange, type ReturnFigures } from './types.js';

/** What changed from one version to the next: closed or open, the figures in form order, then the note. */
export function diffReturns(
  prev: { figures: ReturnFigures; note: string | null; closed?: boolean },
  next: { figures: ReturnFigures; note: string | null; closed?: boolean },
): FieldChange[] {
  const changes: FieldChange[] = [];
  if (!!prev.closed !== !!next.closed) changes.push({ field: 'closed', from: !!prev.closed, to: !!next.closed });
  for (const f of FIGURE_FIELDS) {
    if (prev.figures[f] !== next.figures[f]) changes.push({ field: f, from: prev.figures[f], to: next.figures[f] });
  }
  if ((prev.note ?? null) !== (next.note ?? null)) changes.push({ field: 'note', from: prev.note ?? null, to: next.note ?? null });
  return changes;
}
