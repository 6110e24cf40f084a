#!/usr/bin/env node
// Builds what `npm start`, `npm run worker` and the CLI run: TypeScript compiled by tsc into dist/ (tsconfig.build.json),
// with the files read at run time beside the code (SQL migrations, the .mjs boot files, prompts/, a package.json
// holding the version), and the embedded database's template (src/store/pglite-init.ts). Plain JavaScript, so it
// needs nothing but Node and the typescript dev dependency.
//
//   node scripts/build.mjs             build now
//   node scripts/build.mjs --if-stale  build only when a source changed since the last build (npm install's
//                                      `prepare`, and every npm start / worker / CLI script, run this)
//
// Prints nothing when dist/ is current (the CLI's stdout is data); progress goes to stderr.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-stamp.json');
const LOCK = join(ROOT, 'node_modules', '.cache', 'camden-staff-bot', 'build.lock');
/** Folders compiled (tsconfig.build.json's include) and read at run time. */
const CODE_DIRS = ['src', 'app', 'adapters', 'jobs'];
const ASSET_DIRS = ['prompts'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/build.mjs'];
const LOCK_WAIT_MS = 10 * 60_000;

const say = (msg) => process.stderr.write(`[build] ${msg}\n`);

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** Names, sizes and modification times of every input: dist/ is stale when this changes. */
function inputsSignature() {
  const files = [...CODE_DIRS, ...ASSET_DIRS].flatMap((d) => walk(join(ROOT, d))).concat(CONFIG_FILES.map((f) => join(ROOT, f)));
  const hash = createHash('sha256');
  for (const f of files.sort()) {
    const s = statSync(f, { throwIfNoEntry: false });
    hash.update(`${relative(ROOT, f)}\0${s ? `${s.size}\0${s.mtimeMs}` : '-'}\n`);
  }
  return hash.digest('hex');
}

function isCurrent(signature) {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')).inputs === signature;
  } catch {
    return false;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** One build at a time (two `npm start`s, or tests, may ask together): a lock folder holding the builder's pid. */
function withLock(fn) {
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(join(LOCK, 'pid'), { encoding: 'utf8', flag: 'a+' }).trim());
      if (pid && !alive(pid)) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another build (pid ${pid || '?'}) has held ${LOCK} for ${LOCK_WAIT_MS / 60_000} minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function compile() {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    throw new Error(
      'dist/ is missing or older than the sources, and TypeScript (a dev dependency) is not installed to build it. ' +
        'Run `npm install` (with dev dependencies), or build where they are installed and ship dist/ with the install.',
    );
  }
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`tsc failed (${r.signal ?? `exit ${r.status}`})`);
}

function copyAssets() {
  // Files the code reads beside itself (new URL('./…', import.meta.url)): .mjs boot files and SQL migrations.
  for (const dir of CODE_DIRS) {
    for (const file of walk(join(ROOT, dir))) {
      if (!/\.(mjs|sql)$/.test(file)) continue;
      const target = join(DIST, relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file, target);
    }
  }
  // Migrations are applied by what is in the folder: it must hold exactly the sources' files.
  const migrations = join(DIST, 'src', 'store', 'migrations');
  const wanted = new Set(readdirSync(join(ROOT, 'src', 'store', 'migrations')));
  for (const name of readdirSync(migrations)) if (!wanted.has(name)) rmSync(join(migrations, name));
  for (const dir of ASSET_DIRS) {
    rmSync(join(DIST, dir), { recursive: true, force: true });
    cpSync(join(ROOT, dir), join(DIST, dir), { recursive: true });
  }
  // app/http.ts reads the version from ../package.json; "type": "module" keeps dist/ ES modules.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(join(DIST, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'module' }, null, 2) + '\n');
}

async function pgliteTemplate() {
  const { ensurePgliteTemplate } = await import(pathToFileURL(join(DIST, 'src', 'store', 'pglite-init.js')).href);
  const logger = { info: (o, m) => say(m ?? String(o)), warn: (o, m) => say(`warning: ${m ?? ''} ${o?.err ?? ''}`), debug() {} };
  await ensurePgliteTemplate(logger);
}

async function main() {
  const ifStale = process.argv.includes('--if-stale');
  const built = withLock(() => {
    const signature = inputsSignature();
    if (ifStale && isCurrent(signature)) return false;
    const started = Date.now();
    say(existsSync(STAMP) ? 'sources changed: compiling into dist/ …' : 'compiling into dist/ …');
    rmSync(STAMP, { force: true });
    compile();
    copyAssets();
    writeFileSync(STAMP, JSON.stringify({ inputs: signature, builtAt: new Date().toISOString() }) + '\n');
    say(`dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  });
  // The template lives in node_modules/.cache, which a reinstall empties while dist/ stays current.
  void built;
  await pgliteTemplate();
}

main().catch((err) => {
  say(`failed: ${err.message}`);
  process.exit(1);
});
