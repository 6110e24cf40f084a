import { describe, expect, it } from 'vitest';
import { buildRows, type Row } from './rows.js';
import { hostileTable } from './runner.js';

/** The whole bad-input table against one real server on Postgres (see runner.ts for what each row checks). */
const rows = buildRows(() => Date.now());

describe('the table', () => {
  it('has at least 100 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(100);
  });
});

hostileTable({ title: 'hostile inputs (Postgres)', engine: 'postgres', rows, replays: true });

// For the report: how many rows of each kind.
describe('row counts', () => {
  it('covers every kind of input', () => {
    const by = (k: Row['kind']) => rows.filter((r) => r.kind === k).length;
    expect(by('http')).toBeGreaterThanOrEqual(30);
    expect(by('ask')).toBeGreaterThanOrEqual(20);
    expect(by('quick')).toBeGreaterThanOrEqual(30);
    expect(by('form')).toBeGreaterThanOrEqual(20);
    expect(by('action')).toBeGreaterThanOrEqual(10);
  });
});
