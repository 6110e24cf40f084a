/**
 * Footprint of `npm start`: time from launch to the first `/healthz` 200, and the resident memory (RSS) of the
 * whole process tree (npm, the server, any child it started) at idle, 5 s after that 200. Three scenarios, as a
 * new user meets them:
 *
 *   - embedded, new data directory: PGlite's first-ever open (initdb) in an empty DATA_DIR;
 *   - embedded, existing data directory: the same DATA_DIR started again;
 *   - Postgres: DATABASE_URL to the test database, in a schema of its own (dropped afterwards).
 *
 * Everything else is the default (knowledge/ indexed, job workers in process on Redis with a queue prefix of its
 * own, Slack and Teams off). Rounds run the three scenarios side by side; the figures are medians of three rounds
 * (BENCH_QUICK=1: one round). Prints a table (or JSON lines with BENCH_JSON=1); asserts nothing.
 *
 *   npx tsx bench/footprint.ts
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createTestSchema, TEST_DATABASE_URL } from '../tests/helpers/store.js';
import { emitJson, printTable, quickMode, type Figure } from './lib/output.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = quickMode ? 1 : 3;
const IDLE_MS = 5_000;
const START_LIMIT_MS = 180_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type Scenario = 'new data dir' | 'existing data dir' | 'postgres';
const SCENARIOS: Scenario[] = ['new data dir', 'existing data dir', 'postgres'];

interface Sample {
  /** Launch to the first /healthz 200, seconds. */
  healthzS: number;
  /** Sum of VmRSS over npm and every descendant, MB (10^6 bytes). */
  treeMb: number;
  /** The largest single process in the tree (the server), MB. */
  serverMb: number;
  processes: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** pid -> parent pid for every process visible in /proc. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name in parentheses, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(name), ppid);
    } catch {
      /* exited meanwhile */
    }
  }
  return map;
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** RSS of `root` and all its descendants. */
function treeRss(root: number): { totalKb: number; largestKb: number; processes: number } {
  const ppids = parents();
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of ppids) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let totalKb = 0;
  let largestKb = 0;
  for (const pid of tree) {
    const kb = rssKb(pid);
    totalKb += kb;
    largestKb = Math.max(largestKb, kb);
  }
  return { totalKb, largestKb, processes: tree.size };
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function removeQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } catch {
    /* Redis down: nothing was written */
  } finally {
    redis.disconnect();
  }
}

/** `npm start` with `env`; measures, then SIGTERM (and SIGKILL to the group if it does not stop in 45 s). */
async function measure(env: Record<string, string>): Promise<Sample> {
  const port = await freePort();
  const prefix = `bench-footprint-${process.pid}-${port}`;
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
      SLACK_APP_TOKEN: '',
      MICROSOFT_APP_ID: '',
      MICROSOFT_APP_PASSWORD: '',
      OPENAI_API_KEY: '',
      DIRECTORY_FILE: '',
      ADMIN_PASSWORD: '',
      TEAMS_LOCAL_DEV: '',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let tail = '';
  child.stderr!.on('data', (b: Buffer) => (tail = (tail + b.toString('utf8')).slice(-3_000)));
  try {
    let healthzS = Number.NaN;
    for (let i = 0; i < 10_000 && performance.now() - started < START_LIMIT_MS && child.exitCode === null; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.status === 200) {
          healthzS = (performance.now() - started) / 1000;
          break;
        }
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!Number.isFinite(healthzS)) throw new Error(`no /healthz 200 (exit ${child.exitCode ?? 'none'}): ${tail.slice(-1_000)}`);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const rss = treeRss(child.pid!);
    return { healthzS, treeMb: (rss.totalKb * 1024) / 1e6, serverMb: (rss.largestKb * 1024) / 1e6, processes: rss.processes };
  } finally {
    child.kill('SIGTERM');
    if (!(await exited(child, 45_000))) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
      await exited(child, 5_000);
    }
    await removeQueueKeys(prefix);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  // npm start builds dist/ first when the sources changed: done here, so no round includes a build.
  if (existsSync(join(ROOT, 'scripts', 'build.mjs'))) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const samples = new Map<Scenario, Sample[]>(SCENARIOS.map((s) => [s, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const dir = await mkdtemp(join(tmpdir(), 'camden-footprint-'));
    const { schema, drop } = await createTestSchema(`bench_footprint_${process.pid}_${round}`);
    const dbUrl = new URL(TEST_DATABASE_URL);
    dbUrl.searchParams.set('options', `-c search_path=${schema},public`);
    try {
      for (const scenario of SCENARIOS) {
        const env: Record<string, string> = scenario === 'postgres' ? { DATABASE_URL: dbUrl.toString() } : { DATA_DIR: join(dir, 'data') };
        const s = await measure(env);
        samples.get(scenario)!.push(s);
        process.stderr.write(
          `round ${round} ${scenario}: /healthz ${s.healthzS.toFixed(1)} s, RSS ${s.treeMb.toFixed(0)} MB (server ${s.serverMb.toFixed(0)} MB, ${s.processes} processes)\n`,
        );
      }
    } finally {
      await drop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }

  const figures: Figure[] = [];
  for (const scenario of SCENARIOS) {
    const xs = samples.get(scenario)!;
    figures.push(
      { name: `${scenario}: RSS at idle, process tree`, value: median(xs.map((x) => x.treeMb)), unit: 'MB' },
      { name: `${scenario}: RSS at idle, server process`, value: median(xs.map((x) => x.serverMb)), unit: 'MB' },
      { name: `${scenario}: time to /healthz 200`, value: median(xs.map((x) => x.healthzS)), unit: 's' },
    );
  }
  if (emitJson(figures)) return;
  process.stdout.write(`npm start, ${ROUNDS === 1 ? 'one round' : `median of ${ROUNDS} rounds`}; RSS ${IDLE_MS / 1000} s after /healthz answered 200 (MB = 10^6 bytes)\n\n`);
  printTable(
    ['scenario', 'RSS tree (MB)', 'RSS server (MB)', 'time to /healthz (s)', 'rounds: tree MB / s'],
    SCENARIOS.map((sc) => {
      const xs = samples.get(sc)!;
      return [
        sc,
        median(xs.map((x) => x.treeMb)).toFixed(0),
        median(xs.map((x) => x.serverMb)).toFixed(0),
        median(xs.map((x) => x.healthzS)).toFixed(1),
        xs.map((x) => `${x.treeMb.toFixed(0)}/${x.healthzS.toFixed(1)}`).join('  '),
      ];
    }),
  );
}

await main();
