import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express } from 'express';
import type { Logger } from '../src/logger.js';
import type { LoginThrottle } from './login-throttle.js';
import { basicAuth, type BasicAuthOptions } from './basic-auth.js';

export { basicAuth, type BasicAuthOptions };

export interface QueueBoardOptions {
  /** ADMIN_PASSWORD; when unset the board is not mounted at all. */
  password: string | undefined;
  /** Mount path (default /admin/queues). */
  basePath?: string;
  /** Basic-auth user name (default "admin"). */
  user?: string;
  /** Where failed sign-ins are logged. */
  logger?: BasicAuthOptions['logger'];
  /** Pauses after failed sign-ins (tests inject a clock). */
  throttle?: LoginThrottle;
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
  app.use(basePath, basicAuth(opts.user ?? 'admin', opts.password, { logger: opts.logger, throttle: opts.throttle }), serverAdapter.getRouter());
  return true;
}
