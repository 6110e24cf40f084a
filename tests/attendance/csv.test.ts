import { describe, expect, it } from 'vitest';
import { csvCell, returnsToCsv } from '../../src/attendance/csv.js';
import type { StoredReturn } from '../../src/attendance/types.js';
import { SAMPLE_FIGURES } from '../helpers/figures.js';

describe('CSV for Excel', () => {
  it('guards against formula injection and quotes what needs quoting', () => {
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('+44 20')).toBe("'+44 20");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('yes');
  });

  it('writes a BOM, a header, CRLF rows, latest version and amended flag', () => {
    const r: StoredReturn = {
      centreId: 'acland-burghley',
      weekStart: '2026-03-23',
      version: 2,
      figures: SAMPLE_FIGURES,
      note: '=HYPERLINK("x")',
      submittedBy: 1,
      submittedAt: new Date('2026-03-30T08:00:00Z'),
      amended: true,
    };
    // 08:00 UTC on 30 March 2026 is 09:00 BST.
    const csv = returnsToCsv([r], new Map([['acland-burghley', 'Acland Burghley, Camden']]), 'Europe/London');
    expect(csv.startsWith('\uFEFFcentre_id,centre_name,week_start,sessions,')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines[0]).toBe(
      'centre_id,centre_name,week_start,sessions,academic,enrichment,careers,digital,weekend,attendances,pupils,fsm,send,parents,note,version,amended,submitted_at,closed',
    );
    expect(lines[1]).toBe(
      `acland-burghley,"Acland Burghley, Camden",2026-03-23,6,4,2,0,0,1,120,45,30,8,3,"'=HYPERLINK(""x"")",2,yes,2026-03-30 09:00:00,no`,
    );
  });
});
