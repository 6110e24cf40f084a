/**
 * What a lead reads about their returns, as words on a phone: weeks as "23 Nov 2026" (never 2026-11-23), missing
 * weeks grouped by centre, and a week marked closed shown as closed rather than as a return of zeros.
 */
import { describe, expect, it } from 'vitest';
import { statusReply } from '../../src/bot/attendance-replies.js';
import { errorReply } from '../../src/bot/error-reply.js';
import { ValidationError } from '../../src/errors.js';
import type { StatusRow } from '../../src/bot/ports.js';
import type { StoredReturn } from '../../src/attendance/types.js';

const ZERO = { sessions: 0, academic: 0, enrichment: 0, careers: 0, digital: 0, weekend: 0, attendances: 0, pupils: 0, fsm: 0, send: 0, parents: 0 };

function stored(weekStart: string, over: Partial<StoredReturn> = {}): StoredReturn {
  return {
    centreId: 'c', weekStart, version: 1, figures: { ...ZERO, sessions: 4, attendances: 50, pupils: 20 }, note: null,
    submittedBy: 1, submittedByName: 'Priya Shah', submittedAt: new Date('2026-12-04T15:00:00Z'), amended: false, ...over,
  };
}

const row = (centreName: string, weekStart: string, s: StoredReturn | null): StatusRow => ({ centreId: centreName, centreName, weekStart, stored: s, paused: false });

describe('attendance status, as a lead reads it', () => {
  const rows: StatusRow[] = [
    row('Camden Career Club', '2026-11-30', stored('2026-11-30', { version: 2, amended: true, figures: { ...ZERO, sessions: 4, attendances: 50, pupils: 22 } })),
    row('London AI Campus', '2026-11-30', stored('2026-11-30', { closed: true, figures: ZERO })),
    row('Camden Career Club', '2026-11-23', null),
    row('London AI Campus', '2026-11-23', null),
    row('Camden Career Club', '2026-11-16', null),
  ];

  it('names missing weeks as people write dates, grouped by centre, with no ISO date anywhere', () => {
    const reply = statusReply(rows);
    expect(reply.text).toBe('3 returns missing: Camden Career Club (weeks of 16 Nov and 23 Nov 2026); London AI Campus (week of 23 Nov 2026).');
    expect(JSON.stringify(reply)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const table = reply.blocks.find((b) => b.kind === 'table') as Extract<(typeof reply.blocks)[number], { kind: 'table' }>;
    expect(table.rows.map((r) => r[1])).toEqual(['30 Nov 2026', '30 Nov 2026', '23 Nov 2026', '23 Nov 2026', '16 Nov 2026']);
  });

  it('shows a week marked closed as closed, without zeros that read as a return with no one there', () => {
    const table = statusReply(rows).blocks.find((b) => b.kind === 'table') as Extract<ReturnType<typeof statusReply>['blocks'][number], { kind: 'table' }>;
    expect(table.rows[0]).toEqual(['Camden Career Club', '30 Nov 2026', 'In (amended, v2)', '4', '50', '22']);
    expect(table.rows[1]).toEqual(['London AI Campus', '30 Nov 2026', 'Closed (no sessions)', '', '', '']);
    expect(table.rows[2]).toEqual(['Camden Career Club', '23 Nov 2026', 'Missing', '', '', '']);
  });

  it('weeks across a new year keep their years', () => {
    const reply = statusReply([row('Acland Burghley', '2026-12-28', null), row('Acland Burghley', '2027-01-04', null)]);
    expect(reply.text).toBe('2 returns missing: Acland Burghley (weeks of 28 Dec 2026 and 4 Jan 2027).');
  });
});

describe('a submission refused, as a lead reads it', () => {
  it('lists each problem in its own words, without the internal field key beside it', () => {
    const reply = errorReply(
      new ValidationError([
        { field: 'centre', message: 'You lead several centres: add which one, centre camden-career-club (Camden Career Club) or centre london-ai-campus (London AI Campus).' },
        { field: 'pupils', message: 'pupils is missing.' },
      ]),
    );
    expect(reply.blocks).toEqual([
      { kind: 'notice', tone: 'error', text: 'Nothing was saved. Please fix:' },
      { kind: 'paragraph', text: '• You lead several centres: add which one, centre camden-career-club (Camden Career Club) or centre london-ai-campus (London AI Campus).\n• pupils is missing.' },
    ]);
    expect(reply.text).not.toMatch(/(^|: )(centre|pupils): /);
  });
});
