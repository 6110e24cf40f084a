import type { ReturnFigures, StoredReturn } from '../../src/attendance/types.js';
import type { Centre } from '../../src/directory/types.js';

export function centre(id: string, name: string, extra: Partial<Centre> = {}): Centre {
  return { id, name, active: true, remindersPausedUntil: null, ...extra };
}

export function figures(f: Partial<ReturnFigures>): ReturnFigures {
  return {
    sessions: 0,
    academic: 0,
    enrichment: 0,
    careers: 0,
    digital: 0,
    weekend: 0,
    attendances: 0,
    pupils: 0,
    fsm: 0,
    send: 0,
    parents: 0,
    ...f,
  };
}

export function stored(centreId: string, weekStart: string, f: Partial<ReturnFigures>, extra: Partial<StoredReturn> = {}): StoredReturn {
  const version = extra.version ?? 1;
  return {
    centreId,
    weekStart,
    version,
    figures: figures(f),
    note: null,
    submittedBy: 1,
    submittedAt: new Date(`${weekStart}T15:00:00Z`),
    amended: version > 1,
    ...extra,
  };
}
