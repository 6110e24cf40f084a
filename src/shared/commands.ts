import type { Platform } from './platform.js';

/** Slack's slash commands (manifest/slack/manifest.json); the other command words are typed after one of them. */
const SLACK_PREFIX: Record<string, string> = { ask: '/ask', attendance: '/attendance', digest: '/digest', help: '/ask help', admin: '/attendance admin' };

/**
 * How a person types a command on their platform, for help, hints and error messages: Slack users type slash
 * commands ("/attendance status"), Teams users the plain words ("attendance status", which also work in a Slack DM).
 * `words` is the command as the core reads it, e.g. "attendance status" or "admin pause <centre> until YYYY-MM-DD".
 */
export function commandText(platform: Platform, words: string): string {
  if (platform !== 'slack') return words;
  const [first = '', ...rest] = words.split(' ');
  const prefix = Object.hasOwn(SLACK_PREFIX, first) ? SLACK_PREFIX[first] : undefined;
  return prefix ? [prefix, ...rest].join(' ') : words;
}
