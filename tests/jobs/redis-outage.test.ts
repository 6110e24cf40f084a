import { waitFor } from '../helpers/wait.js';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startJobs, type JobsHandle } from '../../jobs/index.js';
import type { JobsServices } from '../../jobs/ports.js';
import type { NotificationClaimsRepo } from '../../src/store/notification-claims-repo.js';
import { deletePrefix, silentLogger, testConfig, uniquePrefix } from './helpers.js';

/** A TCP proxy on 127.0.0.1 to the real Redis that can be switched off (port closed, connections cut) and on. */
async function redisProxy(port = 0) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let boundPort = port;
  const up = async () => {
    server = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const end = () => (client.destroy(), upstream.destroy());
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((r) => server!.listen(boundPort, '127.0.0.1', r));
    boundPort = (server.address() as AddressInfo).port;
  };
  const down = async () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    if (server) await new Promise<void>((r) => server!.close(() => r()));
    server = null;
  };
  return { up, down, get port() { return boundPort; } };
}

/** Services that must not be touched while nothing runs; the outage test only checks connectivity. */
function idleServices(): JobsServices {
  const never = async (): Promise<never> => {
    throw new Error('not expected in this test');
  };
  return {
    directory: { leadsOfCentre: never, networkLeads: never, getPerson: never, digestChannels: never },
    attendance: { missingReturns: never },
    digests: { digestFor: never },
    claims: {} as NotificationClaimsRepo,
    notifiers: [],
    housekeeping: {},
  };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('Redis outage', () => {
  it('starts with Redis down, reports it, then registers schedules once Redis is reachable', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(async () => process.off('unhandledRejection', onUnhandled));

    // Reserve a free loopback port, then close it: Redis is "down" at start.
    const proxy = await redisProxy();
    await proxy.up();
    await proxy.down();
    const prefix = uniquePrefix();
    cleanups.push(() => deletePrefix(prefix));

    const jobs: JobsHandle = await startJobs({
      config: testConfig(prefix, { REDIS_URL: `redis://127.0.0.1:${proxy.port}` }),
      services: idleServices(),
      logger: silentLogger,
      scheduleCheckMs: 200,
    });
    cleanups.push(() => jobs.close());
    expect(jobs.redisStatus()).toBe('down');
    await new Promise((r) => setTimeout(r, 500));
    expect(jobs.redisStatus()).toBe('down');

    await proxy.up();
    cleanups.push(() => proxy.down());
    await waitFor(() => jobs.redisStatus() === 'up', { what: 'redis up', timeout: 20_000 });
    const q = jobs.queues.find((x) => x.name === 'schedules')!;
    // The queue's own connection may still be reconnecting when the monitor's is up: a refused read is "not yet".
    const schedulers = () => q.getJobSchedulersCount().catch(() => -1);
    await waitFor(async () => (await schedulers()) === 4, { what: 'schedules registered', timeout: 20_000 });

    // Redis goes away again (and loses this deployment's data meanwhile); jobs notice and re-create schedules.
    await proxy.down();
    await waitFor(() => jobs.redisStatus() === 'down', { what: 'redis down', timeout: 20_000 });
    await deletePrefix(prefix);
    await proxy.up();
    await waitFor(() => jobs.redisStatus() === 'up', { what: 'redis up again', timeout: 20_000 });
    await waitFor(async () => (await schedulers()) === 4, { what: 'schedules re-created', timeout: 20_000 });

    // Shutting down while Redis is away finishes (no hang on the blocked connections).
    await proxy.down();
    await waitFor(() => jobs.redisStatus() === 'down', { what: 'redis down before close', timeout: 20_000 });
    const closed = await Promise.race([jobs.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('stuck'), 20_000))]);
    expect(closed).toBe('closed');
    expect(unhandled).toEqual([]);
  });
});
