import { describe, expect, it } from 'vitest';
import { buildRows } from './rows.js';
import { hostileTable } from './runner.js';

/**
 * The rows whose text reaches the store (NUL and control characters, lone surrogates, RTL and zero-width marks,
 * emoji, SQL and markup injection) again on the embedded engine, PGlite, which encodes and stores text its own way.
 */
const STORED_TEXT = /NUL|surrogate|control|SQL|RTL|zero-width|emoji|injection|combining/i;
const rows = buildRows(() => Date.now()).filter((r) => r.kind !== 'http' && STORED_TEXT.test(r.name));

describe('the PGlite subset', () => {
  it('holds the rows that store text', () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });
});

hostileTable({ title: 'hostile inputs that reach the store (PGlite)', engine: 'pglite', rows });
