import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { firstExisting, freePort, portAccepts, startChild, type Child } from './fault-process.js';
import { waitFor } from './wait.js';

/** A disposable redis-server on its own loopback port; without `persistent`, a restart comes back empty. */
export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL the server (as a crash would); resolves once it is gone and the port refuses connections. */
  kill(): Promise<void>;
  /** Start it again on the same port (empty). */
  start(): Promise<void>;
  running(): boolean;
  /** Kill it for good (afterAll). */
  close(): Promise<void>;
}

export const REDIS_SERVER = firstExisting(['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server']);

export interface PrivateRedisOptions {
  /** Keep data across kill/start with an append-only file fsynced on every write (as a production Redis would). */
  persistent?: boolean;
}

export async function startPrivateRedis(opts: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  if (!REDIS_SERVER) throw new Error('redis-server is not installed');
  const port = await freePort();
  const dir = opts.persistent ? await mkdtemp(join(tmpdir(), 'camden-faultredis-')) : null;
  const persistence = dir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] : ['--appendonly', 'no'];
  let child: Child | null = null;
  const start = async () => {
    child = startChild(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--daemonize', 'no', '--protected-mode', 'no']);
    const c = child;
    await waitFor(async () => {
      if (c.exited()) throw new Error(`redis-server exited: ${c.output()}`);
      const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } finally {
        r.disconnect();
      }
    }, { what: `redis-server on ${port} ready`, timeout: 15_000 });
  };
  const kill = async () => {
    if (child) await child.kill('SIGKILL');
    child = null;
    await waitFor(async () => !(await portAccepts(port)), { what: `redis port ${port} closed`, timeout: 10_000 });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    running: () => child !== null && !child.exited(),
    close: async () => {
      if (child) await child.kill('SIGKILL');
      child = null;
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
