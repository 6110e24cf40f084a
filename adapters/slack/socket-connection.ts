import type { Logger } from '../../src/logger.js';

/** The part of @slack/socket-mode's client this module watches (it emits 'connected' and 'disconnected'). */
export interface SocketEvents {
  on(event: 'connected' | 'disconnected', listener: () => void): unknown;
}

export interface SocketConnectionOptions {
  /** Opens one connection (Bolt's app.start()); rejects when Slack cannot be reached or refuses. */
  open(): Promise<unknown>;
  /** Closes the connection (Bolt's app.stop()). */
  close(): Promise<unknown>;
  events: SocketEvents;
  logger: Logger;
  /** First wait before retrying a failed attempt; doubles up to `maxRetryMs`. */
  retryMs: number;
  /** Longest wait between attempts. Default 60 s. */
  maxRetryMs?: number;
  /** A connection that lived this long counts as healthy: the next loss reconnects after 1 s. Default 60 s. */
  stableMs?: number;
}

export interface SocketConnection {
  /** First attempt; failures are retried in the background. Never throws. */
  start(): Promise<void>;
  /** True from Slack's hello until the connection is lost. */
  connected(): boolean;
  stop(): Promise<void>;
}

/**
 * Keeps one Socket Mode connection up for as long as the process runs. The library's own reconnect gives up for good
 * once apps.connections.open fails after its retries (about 30 minutes of Slack being unreachable) and leaves
 * `connected` stale meanwhile, so the client runs with autoReconnectEnabled off and this loop reconnects: at once
 * after a healthy connection drops (Slack recycles them routinely), then with capped backoff while attempts fail.
 */
export function createSocketConnection(opts: SocketConnectionOptions): SocketConnection {
  const maxRetryMs = opts.maxRetryMs ?? 60_000;
  const stableMs = opts.stableMs ?? 60_000;
  let isConnected = false;
  let connectedAt = 0;
  let stopped = false;
  let attempting = false;
  let timer: NodeJS.Timeout | undefined;
  let retryMs = opts.retryMs;

  const backoff = (): number => {
    const wait = retryMs;
    retryMs = Math.min(retryMs * 2, maxRetryMs);
    return wait;
  };

  const schedule = (waitMs: number): void => {
    if (stopped || attempting || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void attempt();
    }, waitMs);
    timer.unref();
  };

  const attempt = async (): Promise<void> => {
    if (stopped || attempting) return;
    attempting = true;
    let failed: unknown;
    try {
      await opts.open();
    } catch (err) {
      failed = err;
    } finally {
      attempting = false;
    }
    if (failed === undefined) {
      // stop() came while this attempt was in flight: do not leave a connection behind.
      if (stopped) await opts.close().catch(() => undefined);
      else opts.logger.info('Slack Socket Mode connected');
      return;
    }
    const wait = backoff();
    opts.logger.error({ err: failed, retryInMs: wait }, 'Slack Socket Mode could not connect; retrying');
    schedule(wait);
  };

  opts.events.on('connected', () => {
    isConnected = true;
    connectedAt = Date.now();
  });
  opts.events.on('disconnected', () => {
    const wasConnected = isConnected;
    isConnected = false;
    // A failed attempt also ends in 'disconnected'; attempt() schedules its own retry then.
    if (!wasConnected || stopped) return;
    const stable = Date.now() - connectedAt >= stableMs;
    if (stable) retryMs = opts.retryMs;
    const wait = stable ? 1_000 : backoff();
    opts.logger.warn({ reconnectInMs: wait }, 'Slack Socket Mode connection lost; reconnecting');
    schedule(wait);
  });

  return {
    start: () => attempt(),
    connected: () => isConnected,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      if (isConnected) await opts.close();
      isConnected = false;
    },
  };
}
