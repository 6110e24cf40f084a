import type { ReturnFigures } from '../../src/attendance/types.js';

/** A valid week's figures (the README's quick-form example with one weekend session), for tests and benchmarks. */
export const SAMPLE_FIGURES: Readonly<ReturnFigures> = Object.freeze({
  sessions: 6,
  academic: 4,
  enrichment: 2,
  careers: 0,
  digital: 0,
  weekend: 1,
  attendances: 120,
  pupils: 45,
  fsm: 30,
  send: 8,
  parents: 3,
});
