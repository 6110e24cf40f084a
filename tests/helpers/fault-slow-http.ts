import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy on 127.0.0.1 that forwards every request to `target` (e.g. the fake Slack API) after a delay
 * chosen per request path, so a test can make one platform method slow. Records when each request arrived and
 * when its answer went back.
 */
export interface SlowHttpProxy {
  /** Base URL to use instead of the target's (same paths). */
  url: string;
  /** Delay (ms) for a request path, e.g. (path) => path.endsWith('chat.postMessage') ? 1500 : 0. */
  setDelay(fn: (path: string) => number): void;
  arrived(path?: RegExp): number;
  answered(path?: RegExp): number;
  close(): Promise<void>;
}

export async function startSlowHttpProxy(target: string): Promise<SlowHttpProxy> {
  const base = new URL(target);
  let delayFor: (path: string) => number = () => 0;
  const arrivals: string[] = [];
  const answers: string[] = [];
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    arrivals.push(path);
    open.add(res);
    res.on('close', () => open.delete(res));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const forward = () => {
        const headers = { ...req.headers, host: base.host };
        const up = request({ host: base.hostname, port: base.port, method: req.method, path, headers }, (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          upRes.on('end', () => answers.push(path));
        });
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      };
      const ms = Math.max(0, delayFor(path));
      if (!ms) return forward();
      const t = setTimeout(() => {
        timers.delete(t);
        forward();
      }, ms);
      timers.add(t);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const count = (list: string[], re?: RegExp) => (re ? list.filter((p) => re.test(p)).length : list.length);
  return {
    url: `http://127.0.0.1:${port}${base.pathname}`,
    setDelay: (fn) => (delayFor = fn),
    arrived: (re) => count(arrivals, re),
    answered: (re) => count(answers, re),
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const r of open) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
