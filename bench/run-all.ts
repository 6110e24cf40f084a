/**
 * `npm run bench`: runs every benchmark in bench/ (each `*.ts` at the top level except this file), one after
 * another, each in its own process with BENCH_JSON=1 and a time limit, and prints one table of figures
 * (benchmark, name, value, unit) headed by the machine's core count and Node version.
 *
 * A script that fails, times out or prints no figures is listed in the table as FAILED (with the reason) and
 * makes the exit code 1; the others still run. Options: `--only a,b` runs only those benchmarks (file names
 * without .ts); BENCH_QUICK=1 asks every script for its short variant; BENCH_TIMEOUT_S overrides the per-script
 * limit (seconds). Each script's stderr goes to bench/.out/<name>.log for reading after a failure.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, createWriteStream } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, quickMode, type Figure } from './lib/output.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(BENCH_DIR, '..');
const LOG_DIR = join(BENCH_DIR, '.out');

/** Per-script time limits in seconds (default run / quick run). Unlisted scripts get DEFAULT_LIMIT. */
const LIMITS: Record<string, [number, number]> = {
  retrieval: [300, 120],
  baseline: [180, 120],
  attendance: [240, 120],
  jobs: [240, 120],
  slack: [240, 120],
  'load-ask': [240, 150],
  'load-attendance': [180, 120],
  'node-accept': [60, 60],
  footprint: [600, 240],
};
const DEFAULT_LIMIT: [number, number] = [300, 120];
/** Order: cheap and independent first, the loopback load runs last. Unlisted scripts run after these, by name. */
const ORDER = ['baseline', 'retrieval', 'attendance', 'jobs', 'slack', 'node-accept', 'footprint', 'load-attendance', 'load-ask'];

interface Outcome {
  bench: string;
  figures: Figure[];
  seconds: number;
  error?: string;
}

function discover(): string[] {
  const names = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'run-all.ts')
    .map((f) => basename(f, '.ts'));
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function parseFigures(stdout: string): { figures: Figure[]; stray: number } {
  const figures: Figure[] = [];
  let stray = 0;
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    try {
      const o = JSON.parse(t) as Partial<Figure>;
      if (typeof o.name === 'string' && typeof o.value === 'number' && typeof o.unit === 'string') {
        figures.push({ name: o.name, value: o.value, unit: o.unit });
        continue;
      }
    } catch {
      /* not a figure line */
    }
    stray++;
  }
  return { figures, stray };
}

/** The running script's process group, ended if run-all itself is interrupted. */
let current: number | undefined;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (current) {
      try {
        process.kill(-current, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    process.exit(130);
  });
}

function runOne(bench: string, limitS: number): Promise<Outcome> {
  const started = performance.now();
  const log = createWriteStream(join(LOG_DIR, `${bench}.log`));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, `${bench}.ts`)], {
      cwd: ROOT,
      env: { ...process.env, BENCH_JSON: '1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a time-out ends the script and everything it started
    });
    current = child.pid;
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => {
      log.write(b);
      stderrTail = (stderrTail + b.toString('utf8')).slice(-2_000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, limitS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      log.end();
      const seconds = (performance.now() - started) / 1000;
      const { figures } = parseFigures(stdout);
      // The last line that says something (not a stack frame, not npm's warnings).
      const lastErr = stderrTail
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('at ') && !l.startsWith('npm warn') && l !== '}' && l !== '{')
        .at(-1)
        ?.slice(0, 160);
      let error: string | undefined;
      if (timedOut) error = `timed out after ${limitS} s`;
      else if (code !== 0) error = `exit ${code ?? signal}${lastErr ? `: ${lastErr}` : ''}`;
      else if (!figures.length) error = 'printed no figures';
      resolve({ bench, figures, seconds, error });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ bench, figures: [], seconds: 0, error: String(err) });
    });
  });
}

function format(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-GB');
  return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',').filter(Boolean)) : null;
  const all = discover();
  if (only) {
    const unknown = [...only].filter((n) => !all.includes(n));
    if (unknown.length) {
      process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}. Available: ${all.join(', ')}\n`);
      return 2;
    }
  }
  const benches = only ? all.filter((b) => only.has(b)) : all;
  mkdirSync(LOG_DIR, { recursive: true });
  const overrideS = Number(process.env.BENCH_TIMEOUT_S);
  const wallStart = performance.now();
  const outcomes: Outcome[] = [];
  for (const bench of benches) {
    const limit = Number.isFinite(overrideS) && overrideS > 0 ? overrideS : (LIMITS[bench] ?? DEFAULT_LIMIT)[quickMode ? 1 : 0];
    process.stderr.write(`bench: ${bench} (limit ${limit} s) … `);
    const o = await runOne(bench, limit);
    process.stderr.write(`${o.error ? `FAILED (${o.error})` : `${o.figures.length} figures`} in ${o.seconds.toFixed(0)} s\n`);
    outcomes.push(o);
  }
  const wall = (performance.now() - wallStart) / 1000;

  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  process.stdout.write(
    `\nCores: ${availableParallelism()} (os.availableParallelism; ${cpu})  Node: ${process.version}  ` +
      `RAM: ${(totalmem() / 2 ** 30).toFixed(1)} GiB  load average at end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n` +
      `Mode: ${quickMode ? 'quick (BENCH_QUICK=1)' : 'full'}  Total time: ${wall.toFixed(0)} s\n\n`,
  );
  const rows: string[][] = [];
  for (const o of outcomes) {
    for (const f of o.figures) rows.push([o.bench, f.name, format(f.value), f.unit]);
    rows.push([o.bench, o.error ? `FAILED: ${o.error}` : 'run time', format(Math.round(o.seconds)), 's']);
  }
  printTable(['benchmark', 'name', 'value', 'unit'], rows, ['l', 'l', 'r', 'l']);
  const failed = outcomes.filter((o) => o.error);
  if (failed.length) process.stdout.write(`\n${failed.length} benchmark(s) failed: ${failed.map((o) => o.bench).join(', ')} (stderr in bench/.out/)\n`);
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
