/**
 * Attendance throughput: submissions per second into PGlite and Postgres (sequential and 16 concurrent), and
 * CSV export time for 100 centres × 52 weeks. Prints a table; asserts nothing.
 *
 *   npx tsx bench/attendance.ts            (Postgres at TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_N=1000 npx tsx bench/attendance.ts
 *   BENCH_QUICK=1: 200 submissions per scenario instead of 400.
 */
import { openTestStore, type TestEngine } from '../tests/helpers/store.js';
import { SAMPLE_FIGURES } from '../tests/helpers/figures.js';
import { DirectoryService } from '../src/directory/service.js';
import { AttendanceService } from '../src/attendance/service.js';
import { addDays, weekJustEnded } from '../src/shared/calendar.js';
import type { Person } from '../src/directory/types.js';
import type { ReturnFigures } from '../src/attendance/types.js';
import { emitJson, quickMode } from './lib/output.js';

process.env.TEST_RUN_ID ??= `bench${Date.now().toString(36)}`;

const TZ = 'Europe/London';
const NOW = new Date('2026-06-17T09:00:00Z');
const N = Number(process.env.BENCH_N ?? (quickMode ? 200 : 400));
const CENTRES = 100;
const WEEKS = 52;

const figures = (i: number): ReturnFigures => ({ ...SAMPLE_FIGURES, attendances: 100 + (i % 50), parents: i % 5 });

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

interface Row {
  engine: TestEngine;
  /** Short name for the merged table. */
  key: string;
  scenario: string;
  count: number;
  seconds: number;
}

async function benchEngine(engine: TestEngine): Promise<Row[]> {
  const rows: Row[] = [];
  const t = await openTestStore(engine);
  try {
    const { store } = t;
    for (let c = 1; c <= CENTRES; c++) await store.directory.upsertCentre({ id: `centre-${c}`, name: `Centre ${c}` });
    const { id } = await store.directory.upsertPerson({ name: 'Bench Admin', email: 'bench.admin@example.org' });
    await store.directory.setRoles(id, ['admin']);
    const admin = (await store.directory.getPerson(id)) as Person;
    const directory = new DirectoryService(store, { timeZone: TZ, now: () => NOW });
    const attendance = new AttendanceService(store, directory, { timeZone: TZ, now: () => NOW });
    const lastWeek = weekJustEnded(NOW, TZ);
    // Every (centre, week) pair once, newest week first: 100 × 52 = 5,200 distinct returns.
    const slots: { centreId: string; week: string }[] = [];
    for (let w = 0; w < WEEKS; w++) for (let c = 1; c <= CENTRES; c++) slots.push({ centreId: `centre-${c}`, week: addDays(lastWeek, -7 * w) });
    let used = 0;
    const take = (n: number) => slots.slice(used, (used += n));

    const submit = (s: { centreId: string; week: string }, i: number) =>
      attendance.submit(admin, { centreId: s.centreId, week: s.week, figures: figures(i), idempotencyKey: `bench-${engine}-${s.centreId}-${s.week}` });

    let started = performance.now();
    let i = 0;
    for (const s of take(N)) await submit(s, i++);
    rows.push({ engine, key: 'submit sequential', scenario: 'submit, sequential', count: N, seconds: (performance.now() - started) / 1000 });

    started = performance.now();
    await pool(take(N), 16, (s) => submit(s, i++));
    rows.push({ engine, key: 'submit 16 concurrent', scenario: 'submit, 16 concurrent', count: N, seconds: (performance.now() - started) / 1000 });

    // Fill the rest of the 100 × 52 grid (not timed), then time the export.
    await pool(slots.slice(used), 16, (s) => submit(s, i++));
    started = performance.now();
    const csv = await attendance.exportCsv({ from: addDays(lastWeek, -7 * (WEEKS - 1)), to: lastWeek });
    const lines = csv.split('\r\n').length - 2;
    rows.push({ engine, key: `export CSV ${CENTRES}x${WEEKS}`, scenario: `export CSV ${CENTRES}×${WEEKS} (${lines} rows, ${(csv.length / 1024).toFixed(0)} KiB)`, count: 1, seconds: (performance.now() - started) / 1000 });
  } finally {
    await t.close();
  }
  return rows;
}

const engines = (process.env.BENCH_ENGINES?.split(',') as TestEngine[] | undefined) ?? ['pglite', 'postgres'];
const all: Row[] = [];
for (const e of engines) all.push(...(await benchEngine(e)));

const asJson = emitJson(
  all.map((r) =>
    r.count > 1
      ? { name: `${r.engine}: ${r.key} (${r.count})`, value: r.count / r.seconds, unit: 'returns/s' }
      : { name: `${r.engine}: ${r.key}`, value: r.seconds * 1000, unit: 'ms' },
  ),
);
if (!asJson) {
  const header = ['engine', 'scenario', 'n', 'seconds', 'per second'];
  const body = all.map((r) => [r.engine, r.scenario, String(r.count), r.seconds.toFixed(3), r.count > 1 ? (r.count / r.seconds).toFixed(0) : '-']);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const line = (cells: string[]) => cells.map((x, c) => (c >= 2 ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
  console.log(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} CPUs; Postgres pool size 20; PGlite in a temp dir.`);
}
