import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stderr (stdout stays clean for CLI output). Never log question text next to a user id at info level. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'camden-bot'): Logger {
  return pino({ name, level }, pino.destination(2));
}
