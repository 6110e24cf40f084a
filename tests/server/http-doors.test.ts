import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listen, type HealthSources, type Listening } from '../../app/http.js';
import { createMetrics } from '../../app/metrics.js';
import { createLogger } from '../../src/logger.js';

const health: HealthSources = {
  version: '0.0.0-test',
  store: async () => ({ ok: true, engine: 'pglite', latencyMs: 1 }),
  adapters: () => ({ slack: 'off', teams: 'off' }),
};

describe('NODE_ENV=Production (any case) is production for every guard, Express included', () => {
  let server: Listening;
  const saved = process.env.NODE_ENV;
  beforeAll(async () => {
    // Express reads NODE_ENV itself, case-sensitively: "Production" used to mean "development" there (stack traces).
    process.env.NODE_ENV = 'Production';
    const app = createApp({
      logger: createLogger('silent'),
      metrics: createMetrics(),
      health,
      mounts: [
        (a) =>
          a.get('/boom', () => {
            throw new Error('database password in /srv/camden/app/secret.ts:12');
          }),
      ],
    });
    server = await listen(app, 0, '127.0.0.1');
  });
  afterAll(async () => {
    process.env.NODE_ENV = saved;
    await server?.close();
  });

  it('a failing route answers 500 with no internals (no message, no stack)', async () => {
    const res = await fetch(`${server.url}/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/password|secret\.ts|at \S+ \(|Error:/);
    expect(JSON.parse(text)).toEqual({ error: 'internal' });
  });
});
