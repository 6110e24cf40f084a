/**
 * Timed, signed POSTs to /slack/events the way Slack sends them, through one keep-alive agent sized for the load.
 * A request counts as acknowledged only with HTTP 200; the time is from send to the end of the response.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { slackSignature } from '../../tests/helpers/slack-requests.js';

export interface AckResult {
  /** HTTP status, or 0 when there was no response (connection error or our timeout). */
  status: number;
  ms: number;
  error?: string;
}

export interface SignedPoster {
  post(body: string, contentType: 'application/json' | 'application/x-www-form-urlencoded', headers?: Record<string, string>): Promise<AckResult>;
  /** TCP connections opened so far (a keep-alive connection serves many requests). */
  readonly connections: number;
  close(): void;
}

/** `timeoutMs`: give up on a response after this long (counted as unacknowledged). */
export function signedPoster(eventsUrl: string, secret: string, maxSockets: number, timeoutMs = 10_000): SignedPoster {
  const url = new URL(eventsUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  let connections = 0;
  return {
    get connections() {
      return connections;
    },
    post(body, contentType, extra = {}) {
      const ts = Math.floor(Date.now() / 1000);
      const payload = Buffer.from(body, 'utf8');
      const t0 = performance.now();
      return new Promise<AckResult>((resolve) => {
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: {
              'Content-Type': contentType,
              'Content-Length': payload.length,
              'X-Slack-Request-Timestamp': String(ts),
              'X-Slack-Signature': slackSignature(secret, ts, body),
              ...extra,
            },
            timeout: timeoutMs,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
            res.on('error', (err) => resolve({ status: 0, ms: performance.now() - t0, error: err.message }));
          },
        );
        req.on('socket', (socket) => {
          if (socket.connecting) connections++;
        });
        req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
        req.on('error', (err) => resolve({ status: 0, ms: performance.now() - t0, error: err.message }));
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
