/**
 * The real server, started by `npm start` as in production (compiled dist/app/main.js with its memory settings), in
 * a child process on 127.0.0.1, so the load generator
 * and the fake Slack in the bench process do not share its event loop. Postgres in an isolated schema (dropped
 * on stop) through DATABASE_URL's `options=-c search_path=…`, jobs off, Slack in HTTP mode against a fake.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestSchema, TEST_DATABASE_URL } from '../../tests/helpers/store.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcessOptions {
  /** Directory YAML, written to a temp file and passed as DIRECTORY_FILE. */
  directoryYaml: string;
  /** Extra environment (SLACK_API_URL, SLACK_SIGNING_SECRET, …). */
  env: Record<string, string>;
  /** How long to wait for /healthz (default 90 s; PGlite-free, but the index build takes a while, and a build of dist/ when the sources changed). */
  startTimeoutMs?: number;
}

export interface ServerProcess {
  url: string;
  /** SQL against the server's schema (for checks after the run). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Last lines the server wrote to stderr (for failures). */
  stderrTail(): string;
  /** SIGTERM (the server drains), SIGKILL if it has not exited in 45 s; drops the schema and temp files. */
  stop(): Promise<void>;
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

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const { schema, drop } = await createTestSchema();
  const dir = await mkdtemp(join(tmpdir(), 'camden-bench-'));
  const directoryFile = join(dir, 'directory.yaml');
  await writeFile(directoryFile, options.directoryYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dbUrl = new URL(TEST_DATABASE_URL);
  dbUrl.searchParams.set('options', `-c search_path=${schema},public`);
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), passed as
  // NODE_OPTIONS (so npm and the build check get them too).
  const nodeOptions = [process.env.NODE_OPTIONS, process.env.BENCH_SERVER_NODE_ARGS].filter(Boolean).join(' ');
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'warn',
      PORT: String(port),
      DATABASE_URL: dbUrl.toString(),
      DATA_DIR: join(dir, 'data'),
      DIRECTORY_FILE: directoryFile,
      KNOWLEDGE_DIR: join(ROOT, 'knowledge'),
      JOBS_IN_PROCESS: 'false',
      OPENAI_API_KEY: '',
      SLACK_APP_TOKEN: '',
      MICROSOFT_APP_ID: '',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr!.on('data', (b: Buffer) => {
    tail = (tail + b.toString('utf8')).slice(-4_000);
  });
  const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 2 });
  const cleanup = async () => {
    await pool.end().catch(() => undefined);
    await drop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await exited(child, 45_000))) {
        child.kill('SIGKILL');
        await exited(child, 5_000);
      }
    }
    await cleanup();
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  let healthy = false;
  for (let i = 0; i < 1_000 && Date.now() < deadline && child.exitCode === null; i++) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      const body = (await res.json()) as { store?: { ok?: boolean }; index?: { chunks?: number } | null };
      if (res.ok && body.store?.ok && (body.index?.chunks ?? 0) > 0) {
        healthy = true;
        break;
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!healthy) {
    await stop();
    throw new Error(`server did not become healthy (exit ${child.exitCode ?? 'none'}); stderr: ${tail.slice(-1_500)}`);
  }
  return {
    url,
    query: async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await pool.query<T>(sql, params)).rows,
    stderrTail: () => tail,
    stop,
  };
}
