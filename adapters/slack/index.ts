import { App, ExpressReceiver, HTTPModuleFunctions, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import { badPayloadAs400, refuseFutureTimestamps, SLACK_BODY_LIMIT } from './request-guard.js';
import { Router } from 'express';
import type { Notifier } from '../../src/bot/notifier.js';
import type { Config } from '../../src/config.js';
import type { SlackListenerDeps } from './context.js';
import { resilientAuthorize } from './authorize.js';
import { registerListeners } from './listeners/index.js';
import { boltLogger } from './logger-bridge.js';
import { createSlackNotifier } from './notifier.js';

export interface SlackAdapterOptions extends SlackListenerDeps {
  config: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL'>;
  /** Web API request timeout (ms). Default 10 s. */
  timeoutMs?: number;
  /** Socket Mode: first wait before retrying a failed connection (doubles up to 60 s). Default 5 s. */
  socketRetryMs?: number;
}

export interface SlackAdapter {
  mode: 'http' | 'socket';
  app: App;
  /** HTTP mode: express router serving POST /slack/events (mount it on the server). Null in Socket Mode. */
  router: Router | null;
  notifier: Notifier;
  /** Verifies the token; Socket Mode connects (retrying in the background if Slack is unreachable). Never throws. */
  start(): Promise<void>;
  /** Socket Mode: connected right now. HTTP mode: always true. */
  connected(): boolean;
  stop(): Promise<void>;
}

/** Slack's Web API base URL must end with a slash. */
export function apiUrl(base: string | undefined): string | undefined {
  if (!base) return undefined;
  return base.endsWith('/') ? base : `${base}/`;
}

/** Which variables switch Slack on, for the startup log. */
export function slackMissing(config: SlackAdapterOptions['config']): string[] {
  if (config.SLACK_BOT_TOKEN && (config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN)) return [];
  const missing = [];
  if (!config.SLACK_BOT_TOKEN) missing.push('SLACK_BOT_TOKEN');
  if (!config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN) missing.push('SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)');
  return missing;
}

/**
 * The Bolt app. HTTP mode: an ExpressReceiver whose router is mounted on our express app (signature checks by Bolt).
 * Socket Mode when SLACK_APP_TOKEN is set. WebClient: no blind retries (429s are waited out by our post helper,
 * bounded), so a slow or failed post is never sent twice.
 */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { config } = options;
  if (!config.SLACK_BOT_TOKEN) throw new Error('SLACK_BOT_TOKEN is not set');
  const logger = boltLogger(options.logger);
  const timeout = options.timeoutMs ?? 10_000;
  const clientOptions = {
    slackApiUrl: apiUrl(config.SLACK_API_URL),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout,
    // Bolt's respond() (response_url) uses this fetch with no time limit of its own: a response_url that never
    // answers would hold the listener (and shutdown's drain) for minutes. The WebClient passes its own signal.
    fetch: ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
      fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeout) })) as typeof fetch,
  };
  // Our own client (with the bot token) for the notifier and auth.test; listeners get a client per request.
  const client = new webApi.WebClient(config.SLACK_BOT_TOKEN, { ...clientOptions, logger });
  const auth = resilientAuthorize(client, config.SLACK_BOT_TOKEN);
  let app: App;
  let router: Router | null = null;
  let mode: SlackAdapter['mode'];
  if (config.SLACK_APP_TOKEN) {
    mode = 'socket';
    // The receiver's own WebClient (apps.connections.open) honours SLACK_API_URL too.
    const receiver = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN,
      logger,
      logLevel: LogLevel.INFO,
      installerOptions: { clientOptions: { slackApiUrl: clientOptions.slackApiUrl } },
    });
    app = new App({ authorize: auth.authorize, receiver, logger, clientOptions });
  } else {
    if (!config.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET is not set');
    mode = 'http';
    router = Router();
    router.post('/slack/events', refuseFutureTimestamps());
    const receiver = new ExpressReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET,
      endpoints: '/slack/events',
      router,
      logger,
      processBeforeResponse: false,
      bodyLimit: SLACK_BODY_LIMIT,
      processEventErrorHandler: badPayloadAs400(HTTPModuleFunctions.defaultProcessEventErrorHandler),
    });
    app = new App({ authorize: auth.authorize, receiver, logger, clientOptions });
  }
  app.error(async (err) => {
    options.logger.error({ err }, 'unhandled Slack listener error');
  });
  app.use(async ({ next }) => {
    const done = options.track?.();
    try {
      await next();
    } finally {
      done?.();
    }
  });
  registerListeners(app, options);
  const notifier = createSlackNotifier(client, options.logger);

  // Socket Mode: a failed connection at startup must not stop the server; retry with capped backoff.
  let socketConnected = false;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = options.socketRetryMs ?? 5_000;
  const connect = async (): Promise<void> => {
    if (stopped) return;
    try {
      await app.start();
      socketConnected = true;
      options.logger.info('Slack Socket Mode connected');
    } catch (err) {
      options.logger.error({ err, retryInMs: retryMs }, 'Slack Socket Mode could not connect; retrying');
      retryTimer = setTimeout(() => void connect(), retryMs);
      retryTimer.unref();
      retryMs = Math.min(retryMs * 2, 60_000);
    }
  };

  return {
    mode,
    app,
    router,
    notifier,
    async start() {
      await auth.warm(options.logger);
      if (mode === 'socket') await connect();
    },
    connected: () => mode === 'http' || socketConnected,
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      if (mode === 'socket' && socketConnected) await app.stop();
      socketConnected = false;
    },
  };
}
