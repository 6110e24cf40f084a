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
import { createSocketConnection, type SocketConnection } from './socket-connection.js';
import { createSlackProfiles } from './profiles.js';
import type { AccountDirectory } from '../../src/bot/admin.js';

export interface SlackAdapterOptions extends SlackListenerDeps {
  config: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL'> & Partial<Pick<Config, 'SLACK_COMMAND_PREFIX'>>;
  /** Web API request timeout (ms). Default 10 s. */
  timeoutMs?: number;
  /** Socket Mode: first wait before retrying a failed connection attempt (doubles up to 60 s). Default 5 s. */
  socketRetryMs?: number;
}

export interface SlackAdapter {
  mode: 'http' | 'socket';
  app: App;
  /** HTTP mode: express router serving POST /slack/events (mount it on the server). Null in Socket Mode. */
  router: Router | null;
  notifier: Notifier;
  /** Workspace members by email and channel checks, for the core's admin commands. */
  accounts: AccountDirectory;
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

export { slackMissing } from './missing.js';

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
  let socket: SocketConnection | null = null;
  if (config.SLACK_APP_TOKEN) {
    mode = 'socket';
    // The receiver's own WebClient (apps.connections.open) honours SLACK_API_URL too.
    // Reconnecting is ours (socket-connection.ts): one attempt per call, failures surface at once.
    const receiver = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN,
      logger,
      logLevel: LogLevel.INFO,
      autoReconnectEnabled: false,
      installerOptions: { clientOptions: { slackApiUrl: clientOptions.slackApiUrl, retryConfig: { retries: 0 }, timeout } },
    });
    app = new App({ authorize: auth.authorize, receiver, logger, clientOptions });
    socket = createSocketConnection({
      open: () => app.start(),
      close: () => app.stop(),
      events: receiver.client,
      logger: options.logger,
      retryMs: options.socketRetryMs ?? 5_000,
    });
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
  const profiles = createSlackProfiles(client, options.logger);
  registerListeners(app, { ...options, profiles, commandPrefix: config.SLACK_COMMAND_PREFIX ?? '' });
  const notifier = createSlackNotifier(client, options.logger);

  return {
    mode,
    app,
    router,
    notifier,
    accounts: profiles.accounts,
    async start() {
      await auth.warm(options.logger);
      await socket?.start();
    },
    connected: () => socket?.connected() ?? true,
    async stop() {
      await socket?.stop();
    },
  };
}
