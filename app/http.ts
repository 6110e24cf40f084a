/** The HTTP side of the server: the express app (health, metrics, mounts), listening, in-flight work. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Router } from 'express';
import type { Logger } from '../src/logger.js';
import { isLoopbackHost } from '../src/config.js';
import type { Metrics } from './metrics.js';
import { basicAuth } from '../jobs/basic-auth.js';
import type { DoctorReport } from '../src/shared/doctor.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What /healthz reports. `status` is "ok" when the core (store) is up; the server then answers 200, else 503. */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  /** Why the status is 'down' (the store's code: store_write_failed, unavailable, store_not_answering); shown to anyone. */
  code?: string;
  version: string;
  store: StoreHealth;
  redis: { status: string };
  index: { documents: number; chunks: number; loadedAt?: string } | null;
  /** slack 'socket-connecting': Socket Mode is retrying its connection (status is then 'degraded'). */
  adapters: { slack: 'http' | 'socket' | 'socket-connecting' | 'off'; teams: 'on' | 'local-dev' | 'off' };
}

/** The store's write probe (src/store/write-health.ts): `reason` names a refused write's cause (ENOSPC, EACCES, …). */
export interface StoreHealth {
  ok: boolean;
  engine?: string;
  latencyMs?: number;
  code?: string;
  reason?: string;
  error?: string;
}

export interface HealthSources {
  version: string;
  store(): Promise<StoreHealth>;
  /** Redis/BullMQ connection status ("ready", "connecting", "off", …). */
  redis?(): Promise<string> | string;
  index?(): { documents: number; chunks: number; loadedAt?: Date | string } | null;
  adapters(): HealthReport['adapters'];
}

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  health: HealthSources;
  /** Bolt's ExpressReceiver router (serves POST /slack/events); absent when Slack is off or in Socket Mode. */
  slackRouter?: Router | null;
  /** Slack is not configured at all: POST /slack/events answers only Slack's URL check (set-up in progress). */
  slackNotConfigured?: boolean;
  /** Further routes (Teams at POST /api/messages, bull-board at /admin/queues), mounted after ours. */
  mounts?: ((app: Express) => void)[];
  /**
   * METRICS_TOKEN: a bearer token that opens /metrics and /healthz's details to other machines. Without it (or
   * without the token in a request) only direct requests from this machine get them.
   */
  metricsToken?: string;
  /**
   * /healthz?verbose: the health report plus the first-run check (app/doctor.ts), behind basic auth (user "admin",
   * ADMIN_PASSWORD). Without a password it is not served.
   */
  verbose?: { password: string | undefined; doctor(): Promise<DoctorReport> };
}

/** A request made on this machine directly: from a loopback address, and not passed on by a proxy on this machine. */
export function isLocalRequest(remoteAddress: string | undefined, headers: IncomingHttpHeaders): boolean {
  if (!remoteAddress || !isLoopbackHost(remoteAddress)) return false;
  return headers['x-forwarded-for'] === undefined && headers.forwarded === undefined && headers['x-real-ip'] === undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/** Versions, queue state and error counts are for operators: this machine, or whoever holds METRICS_TOKEN. */
function mayReadDetails(req: express.Request, token: string | undefined): boolean {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (token && bearer && sameSecret(bearer, token)) return true;
  return isLocalRequest(req.socket.remoteAddress, req.headers);
}

const HEALTH_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T> | T, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(p).catch(() => fallback),
    new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function healthReport(h: HealthSources): Promise<HealthReport> {
  const [store, redis] = await Promise.all([
    withTimeout<StoreHealth>(h.store(), HEALTH_TIMEOUT_MS, { ok: false, code: 'store_not_answering', error: 'no answer within 2 s' }),
    withTimeout(h.redis ? h.redis() : 'off', HEALTH_TIMEOUT_MS, 'no answer'),
  ]);
  let index: HealthReport['index'] = null;
  try {
    const s = h.index?.();
    if (s) index = { documents: s.documents, chunks: s.chunks, ...(s.loadedAt ? { loadedAt: new Date(s.loadedAt).toISOString() } : {}) };
  } catch {
    index = null;
  }
  const adapters = h.adapters();
  const status = !store.ok ? 'down' : (redis === 'ready' || redis === 'off') && adapters.slack !== 'socket-connecting' ? 'ok' : 'degraded';
  return { status, ...(store.ok ? {} : { code: store.code ?? 'store_failed' }), version: h.version, store, redis: { status: redis }, index, adapters };
}

/**
 * POST /slack/events while Slack is off. Slack checks the events request URL when the app's manifest is saved, which
 * is before anyone has the signing secret to configure the bot with: the URL check (a challenge to echo, nothing
 * else) is answered, so the app can be created with the bot already running; everything else is refused.
 */
function slackBeforeSetUp(logger: Logger): express.RequestHandler {
  return (req, res) => {
    const body = req.body as { type?: unknown; challenge?: unknown } | undefined;
    if (body?.type === 'url_verification' && typeof body.challenge === 'string' && body.challenge.length <= 200) {
      logger.info('answered Slack\'s request URL check; next: install the app, then set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET and restart');
      res.json({ challenge: body.challenge });
      return;
    }
    res.status(503).json({
      error: 'slack_not_configured',
      message: 'Slack is not switched on in this server yet: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET and restart.',
    });
  };
}

/** The express app: Slack events, health, metrics, plus whatever other adapters mount. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Express decides whether an error page shows the stack from NODE_ENV, compared case-sensitively ("Production" would
  // show it). Responses never carry internals here, whatever NODE_ENV says: the log has them.
  app.set('env', 'production');
  app.use((req, res, next) => {
    res.on('finish', () => {
      const route = req.path === '/slack/events' || req.path === '/api/messages' || req.path === '/healthz' || req.path === '/metrics' ? req.path : 'other';
      deps.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });
  if (deps.slackRouter) app.use(deps.slackRouter);
  else if (deps.slackNotConfigured) app.post('/slack/events', express.json({ limit: '16kb' }), slackBeforeSetUp(deps.logger));
  const verboseAuth = deps.verbose?.password ? basicAuth('admin', deps.verbose.password, { logger: deps.logger }) : null;
  app.get('/healthz', (req, res, next) => {
    if (req.query.verbose === undefined) return next();
    if (!verboseAuth || !deps.verbose) {
      res.status(404).json({ error: 'not_found', message: 'Set ADMIN_PASSWORD to read /healthz?verbose (basic auth, user admin).' });
      return;
    }
    const verbose = deps.verbose;
    verboseAuth(req, res, () => {
      void Promise.all([healthReport(deps.health), verbose.doctor()])
        .then(([report, doctor]) => res.status(report.status === 'down' ? 503 : 200).json({ ...report, doctor }))
        .catch(next);
    });
  });
  app.get('/healthz', async (req, res) => {
    const report = await healthReport(deps.health);
    // The status code (and status, and why it is down) is for load balancers anywhere; what runs, in which version,
    // and the engine's own error text, for operators.
    const open = { status: report.status, ...(report.code ? { code: report.code } : {}) };
    res.status(report.status === 'down' ? 503 : 200).json(mayReadDetails(req, deps.metricsToken) ? report : open);
  });
  app.get('/metrics', async (req, res) => {
    if (!mayReadDetails(req, deps.metricsToken)) {
      if (deps.metricsToken) {
        res.set('WWW-Authenticate', 'Bearer realm="camden metrics"');
        res.status(401).json({ error: 'unauthorised', message: 'Send METRICS_TOKEN as a bearer token.' });
      } else {
        res.status(403).json({ error: 'forbidden', message: 'Metrics are served to this machine only; set METRICS_TOKEN to read them from elsewhere.' });
      }
      return;
    }
    res.set('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  for (const mount of deps.mounts ?? []) mount(app);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use((err: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const status = Number((err as { status?: unknown })?.status);
    const clientError = Number.isInteger(status) && status >= 400 && status < 500;
    if (clientError) deps.logger.debug({ err, path: req.path }, 'request refused');
    else deps.logger.error({ err, path: req.path }, 'request failed');
    res.status(clientError ? status : 500).json({ error: clientError ? 'bad_request' : 'internal' });
  });
  return app;
}

/** Counts work still running after the HTTP response (Slack listeners ack first, then work). */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];
  begin(): () => void {
    this.count++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.count--;
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    };
  }
  get size(): number {
    return this.count;
  }
  /** Resolves true when idle, false if `timeoutMs` passed first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

export interface Listening {
  server: Server;
  port: number;
  url: string;
  /** Stop accepting connections and wait for open requests to finish (bounded). */
  close(timeoutMs?: number): Promise<void>;
}

/** Listen on host:port (port 0 picks a free one). */
export async function listen(app: Express, port: number, host = '0.0.0.0'): Promise<Listening> {
  const server = createServer(app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    server,
    port: actual,
    url: `http://${shownHost}:${actual}`,
    close(timeoutMs = 10_000) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, timeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}


let cachedVersion: string | undefined;
export function appVersion(): string {
  if (cachedVersion) return cachedVersion;
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version?: string };
    cachedVersion = pkg.version ?? 'unknown';
  } catch {
    cachedVersion = 'unknown';
  }
  return cachedVersion;
}
