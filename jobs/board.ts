import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, NextFunction, Request, Response } from 'express';

export interface QueueBoardOptions {
  /** ADMIN_PASSWORD; when unset the board is not mounted at all. */
  password: string | undefined;
  /** Mount path (default /admin/queues). */
  basePath?: string;
  /** Basic-auth user name (default "admin"). */
  user?: string;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Express middleware: HTTP basic auth for one user. */
export function basicAuth(user: string, password: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
    if (m) {
      const decoded = Buffer.from(m[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i >= 0 && same(decoded.slice(0, i), user) && same(decoded.slice(i + 1), password)) return next();
    }
    res.set('WWW-Authenticate', 'Basic realm="Camden bot queues", charset="UTF-8"');
    res.status(401).type('text/plain').send('Authentication required.');
  };
}

/**
 * Mounts bull-board at /admin/queues behind basic auth (user "admin", ADMIN_PASSWORD).
 * Returns false (and mounts nothing) when no password is configured.
 */
export function mountQueueBoard(app: Express, queues: Queue[], opts: QueueBoardOptions): boolean {
  if (!opts.password) return false;
  const basePath = opts.basePath ?? '/admin/queues';
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  // @bull-board/express pins its own copy of @bull-board/api; the two are the same at runtime.
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  app.use(basePath, basicAuth(opts.user ?? 'admin', opts.password), serverAdapter.getRouter());
  return true;
}
