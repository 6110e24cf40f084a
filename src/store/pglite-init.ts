import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * A new embedded database without initdb's memory. Postgres' initdb inside PGlite peaks at several hundred megabytes
 * of WebAssembly memory, which a process never gets back (the issue measured ~430 MB kept for the server's whole
 * life). So initdb runs in a short-lived child process (pglite-initdb.mjs), once per PGlite version, into a template
 * folder under node_modules/.cache/; every new data directory is then a copy of that template (a fraction of a
 * second), and `npm install` makes the template ahead of the first start. Where the template cannot be written
 * (read-only node_modules), the child initialises the data directory itself.
 */

const require = createRequire(import.meta.url);
const CHILD = fileURLToPath(new URL('./pglite-initdb.mjs', import.meta.url));
/** initdb takes 10-20 s on a busy 2-core machine; the limit is for a child that hangs. */
const INITDB_TIMEOUT_MS = 300_000;

export class PgliteInitError extends AppError {
  constructor(message: string) {
    super('store_init_failed', message);
  }
}

/** Where this PGlite version's template lives: node_modules/.cache/camden-staff-bot/pglite-<version>. */
export function pgliteTemplateDir(): string {
  const pkgDir = join(dirname(require.resolve('@electric-sql/pglite')), '..');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  return join(pkgDir, '..', '..', '.cache', 'camden-staff-bot', `pglite-${version}`);
}

const isDatabase = (dir: string) => existsSync(join(dir, 'PG_VERSION'));
const scratchName = (dir: string) => `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;

/** Runs PGlite's initdb into `dir` (which must not exist yet) in a child process. */
export function initdbInChild(dir: string, timeoutMs = INITDB_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir], { stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-2_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new PgliteInitError(`Could not start the embedded database's initialisation: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && isDatabase(dir)) resolve();
      else reject(new PgliteInitError(`Creating the embedded database in ${dir} failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}

/** initdb into a scratch folder beside `dir`, renamed into place when complete (so a crash leaves no half database). */
async function initdbInto(dir: string): Promise<void> {
  const scratch = scratchName(dir);
  try {
    await initdbInChild(scratch);
    await rename(scratch, dir);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The template for this PGlite version, made now (initdb in a child process) if missing; undefined when it cannot be
 * made here (the caller then initialises the data directory directly). Safe when several processes race: each
 * builds its own scratch copy and the first rename wins.
 */
export async function ensurePgliteTemplate(logger?: Logger): Promise<string | undefined> {
  let dir: string;
  try {
    dir = pgliteTemplateDir();
    if (isDatabase(dir)) return dir;
    await mkdir(dirname(dir), { recursive: true });
  } catch (err) {
    logger?.debug({ err: (err as Error).message }, 'no PGlite template folder');
    return undefined;
  }
  const started = performance.now();
  logger?.info({ template: dir }, 'creating the embedded database template (once per PGlite version; 10-20 s)');
  try {
    await initdbInto(dir);
  } catch (err) {
    if (isDatabase(dir)) return dir; // another process won the race
    logger?.warn({ err: (err as Error).message, template: dir }, 'could not create the PGlite template');
    return undefined;
  }
  logger?.info({ template: dir, ms: Math.round(performance.now() - started) }, 'embedded database template ready');
  return dir;
}

/**
 * Makes `pgDir` a new PGlite database unless it already is one: a copy of the template, or initdb in a child process.
 * A folder that exists with other files in it is left alone (PGlite itself then decides what it is).
 */
export async function initialisePgliteDir(pgDir: string, logger?: Logger): Promise<'existing' | 'template' | 'initdb' | 'left-alone'> {
  if (isDatabase(pgDir)) return 'existing';
  const entries = await readdir(pgDir).catch(() => null);
  if (entries && entries.length) return 'left-alone';
  if (entries) await rmdir(pgDir);
  const template = await ensurePgliteTemplate(logger);
  if (template) {
    const scratch = scratchName(pgDir);
    try {
      await cp(template, scratch, { recursive: true });
      await rename(scratch, pgDir);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    logger?.info({ dir: pgDir }, 'new embedded database created from the template');
    return 'template';
  }
  logger?.info({ dir: pgDir }, 'creating the embedded database (10-20 s)');
  await initdbInto(pgDir);
  return 'initdb';
}
