import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';

/** Bolt's Logger interface on top of our pino logger (JSON logs, same level). */
export function boltLogger(logger: Logger): SlackLogger {
  const log = logger.child({ component: 'slack' });
  let level: LogLevel = LogLevel.INFO;
  const fmt = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg) => log.debug(fmt(msg)),
    info: (...msg) => log.info(fmt(msg)),
    warn: (...msg) => log.warn(fmt(msg)),
    error: (...msg) => log.error(fmt(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
