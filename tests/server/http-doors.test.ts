import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, isLocalRequest, listen, type HealthSources, type Listening } from '../../app/http.js';
import { startServer } from '../../app/server.js';
import { loadConfig } from '../../src/config.js';
import { openTestStore } from '../helpers/store.js';
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

describe('/metrics and /healthz details: this machine, or METRICS_TOKEN', () => {
  const TOKEN = 'metrics-token-0123456789abcdef';
  let open: Listening;
  let guarded: Listening;
  const app = (metricsToken?: string) => createApp({ logger: createLogger('silent'), metrics: createMetrics(), health, metricsToken });
  beforeAll(async () => {
    open = await listen(app(), 0, '127.0.0.1');
    guarded = await listen(app(TOKEN), 0, '127.0.0.1');
  });
  afterAll(async () => {
    await open?.close();
    await guarded?.close();
  });
  // A reverse proxy on this machine connects from 127.0.0.1 too: what it passes on is not a local request.
  const proxied = { 'x-forwarded-for': '203.0.113.9' };

  it('a direct request from this machine reads both', async () => {
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
    expect(await (await fetch(`${open.url}/healthz`)).json()).toMatchObject({ status: 'ok', version: '0.0.0-test', store: { engine: 'pglite' } });
  });

  it('anyone else gets the health status alone (same status code) and no metrics', async () => {
    const h = await fetch(`${open.url}/healthz`, { headers: proxied });
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok' });
    const m = await fetch(`${open.url}/metrics`, { headers: proxied });
    expect(m.status).toBe(403);
    expect(await m.text()).not.toMatch(/camden_|process_/);
  });

  it('with METRICS_TOKEN, the bearer token opens them from anywhere; a wrong one does not', async () => {
    const ok = await fetch(`${guarded.url}/metrics`, { headers: { ...proxied, authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/camden_/);
    expect(await (await fetch(`${guarded.url}/healthz`, { headers: { ...proxied, authorization: `Bearer ${TOKEN}` } })).json()).toMatchObject({ version: '0.0.0-test' });
    const wrong = await fetch(`${guarded.url}/metrics`, { headers: { ...proxied, authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await (await fetch(`${guarded.url}/healthz`, { headers: proxied })).json()).toEqual({ status: 'ok' });
  });

  it('tells local from remote addresses', () => {
    expect(isLocalRequest('127.0.0.1', {})).toBe(true);
    expect(isLocalRequest('::1', {})).toBe(true);
    expect(isLocalRequest('::ffff:127.0.0.1', {})).toBe(true);
    expect(isLocalRequest('192.0.2.7', {})).toBe(false);
    expect(isLocalRequest('::ffff:192.0.2.7', {})).toBe(false);
    expect(isLocalRequest('127.0.0.1', { forwarded: 'for=203.0.113.9' })).toBe(false);
    expect(isLocalRequest(undefined, {})).toBe(false);
  });
});

describe('HOST sets the address the server listens on', () => {
  it('listens on HOST when no address is passed in code', async () => {
    const ts = await openTestStore('postgres');
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent', HOST: '127.0.0.1', JOBS_IN_PROCESS: 'false' });
      const server = await startServer({
        config,
        logger: createLogger('silent'),
        port: 0,
        overrides: { store: ts.store, answerer: { answer: async () => ({ answered: false, answer: '', citations: [] }) } },
        drainMs: 1_000,
      });
      try {
        expect(server.address).toBe('127.0.0.1');
      } finally {
        await server.stop();
      }
    } finally {
      await ts.close();
    }
  });
});
