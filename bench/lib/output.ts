/**
 * Shared output for bench scripts. With BENCH_JSON=1 (or `--json`) a script prints one JSON line per figure,
 * `{"name","value","unit"}`, on stdout (bench/run-all.ts merges them); otherwise its human-readable table.
 * BENCH_QUICK=1 asks for a shorter run (fewer rounds, smaller sizes); each script documents what it shortens.
 */

/** One measured figure. `value` is a number (counts, milliseconds, …); `unit` says what it counts. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** True when run-all (or a person) asked for JSON lines instead of a table. */
export const jsonMode = process.env.BENCH_JSON === '1' || process.argv.includes('--json');

/** True for the short variant of a benchmark (BENCH_QUICK=1). */
export const quickMode = process.env.BENCH_QUICK === '1';

/** Print figures as JSON lines; returns true when it did (so the caller skips its table). */
export function emitJson(figures: Figure[]): boolean {
  if (!jsonMode) return false;
  for (const f of figures) {
    if (!Number.isFinite(f.value)) throw new Error(`figure "${f.name}" is not a finite number: ${f.value}`);
    process.stdout.write(JSON.stringify({ name: f.name, value: round(f.value), unit: f.unit }) + '\n');
  }
  return true;
}

/** Nearest-rank percentile of an ascending list (p in 0..100); NaN for an empty list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Three significant decimals at most, so tables stay readable. */
export function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 1000) / 1000;
}

/** Print a plain table. `align` per column ('l' or 'r'); default: first column left, the rest right. */
export function printTable(header: string[], rows: string[][], align?: ('l' | 'r')[], write: (line: string) => void = (l) => process.stdout.write(l + '\n')): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((v, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  write(line(header));
  write(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) write(line(r));
}
