import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { firstExisting, freePort } from './fault-process.js';

const run = promisify(execFile);

/**
 * A disposable Postgres cluster of its own (initdb in a temp dir owned by the postgres user, trust auth, loopback
 * only, fsync off) that a test may stop with `-m fast` (backends terminated: "terminating connection due to
 * administrator command") or `-m immediate` (as a crash), and start again. Never touches the shared server.
 */
export interface PrivatePostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stop (immediate) and delete the cluster. */
  close(): Promise<void>;
}

async function pgBinDir(): Promise<string | undefined> {
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => [] as string[]);
  for (const v of versions.sort((a, b) => Number(b) - Number(a))) {
    if (firstExisting([join(root, v, 'bin', 'initdb')])) return join(root, v, 'bin');
  }
  return undefined;
}

/** Why a private cluster cannot be made here, or null when it can. */
export async function privatePostgresUnavailable(): Promise<string | null> {
  if (!(await pgBinDir())) return 'Postgres server binaries (initdb, pg_ctl) are not installed';
  if (!firstExisting(['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'])) return 'runuser is not available';
  try {
    await run('id', ['-u', 'postgres']);
  } catch {
    return 'there is no postgres system user';
  }
  return null;
}

async function asPostgres(cmd: string, args: string[], timeout = 60_000) {
  return run('runuser', ['-u', 'postgres', '--', cmd, ...args], { timeout });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await pgBinDir();
  if (!bin) throw new Error('Postgres server binaries are not installed');
  const dir = await mkdtemp(join(tmpdir(), 'camden-faultpg-'));
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  const data = join(dir, 'data');
  const port = await freePort();
  await asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const pgCtl = join(bin, 'pg_ctl');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50`;
  const start = async () => {
    await asPostgres(pgCtl, ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  };
  const stop = async (mode: 'fast' | 'immediate') => {
    await asPostgres(pgCtl, ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    async close() {
      await stop('immediate').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
