import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../src/logger.js';
import { createLoginThrottle, type LoginThrottle } from './login-throttle.js';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface BasicAuthOptions {
  /** Failed sign-ins are logged here (address and count; never what was typed). */
  logger?: Pick<Logger, 'warn' | 'debug'>;
  /** Pauses after repeated failures from one address (default: 5 free, then 1 s doubling to 15 minutes). */
  throttle?: LoginThrottle;
}

/**
 * Express middleware: HTTP basic auth for one user. Wrong credentials are logged and, after a few, the address must
 * wait (429 with Retry-After, doubling each time) before it may try again: a password cannot be guessed at speed.
 */
export function basicAuth(user: string, password: string, opts: BasicAuthOptions = {}) {
  const throttle = opts.throttle ?? createLoginThrottle();
  const challenge = (res: Response) => {
    res.set('WWW-Authenticate', 'Basic realm="Camden bot admin", charset="UTF-8"');
    res.status(401).type('text/plain').send('Authentication required.');
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const waitMs = throttle.waitMs(address);
    if (waitMs > 0) {
      opts.logger?.debug({ address, waitMs }, 'admin sign-in refused: address is paused after failed attempts');
      res.set('Retry-After', String(Math.ceil(waitMs / 1000)));
      res.status(429).type('text/plain').send('Too many failed sign-ins from this address. Try again later.');
      return;
    }
    const header = req.headers.authorization ?? '';
    // No credentials at all is a browser asking which ones to send, not a failed attempt.
    if (!header) return challenge(res);
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
    if (m) {
      const decoded = Buffer.from(m[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i >= 0 && same(decoded.slice(0, i), user) && same(decoded.slice(i + 1), password)) {
        throttle.succeeded(address);
        return next();
      }
    }
    const state = throttle.failed(address);
    opts.logger?.warn(
      { address, failures: state.failures, pausedForSeconds: Math.ceil(state.pauseMs / 1000), path: req.originalUrl.split('?')[0] },
      'admin sign-in failed',
    );
    challenge(res);
  };
}

