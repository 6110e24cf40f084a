import type { Platform } from './platform.js';

/** The core's command words that are Slack slash commands; the other words are typed after one of them. */
export const SLACK_COMMANDS = ['ask', 'attendance', 'digest'] as const;
export type SlackCommand = (typeof SLACK_COMMANDS)[number];

/** Words typed after a slash command in Slack: "help" after /ask, "admin …" after /attendance. */
const TYPED_AFTER: Record<string, SlackCommand> = { help: 'ask', admin: 'attendance' };

/** SLACK_COMMAND_PREFIX: "/ask" and "/digest" clash with other apps in school workspaces, so they may be renamed. */
const SLACK_PREFIX = /^[a-z0-9][a-z0-9_-]{0,15}$/;

let slackPrefix = '';

/** Checks SLACK_COMMAND_PREFIX; returns the problem, or null. */
export function slackCommandPrefixProblem(prefix: string): string | null {
  return prefix === '' || SLACK_PREFIX.test(prefix)
    ? null
    : `must be up to 16 lowercase letters, digits, "-" or "_" (the start of each slash command, e.g. "camden-" for /camden-ask), got "${prefix}"`;
}

/**
 * Set once by the composition root from SLACK_COMMAND_PREFIX, before anything is said to anyone: the slash commands
 * the Slack adapter registers, the manifest, and every hint that names a command use the same names.
 */
export function useSlackCommandPrefix(prefix: string | undefined): void {
  const p = prefix ?? '';
  const problem = slackCommandPrefixProblem(p);
  if (problem) throw new RangeError(`SLACK_COMMAND_PREFIX ${problem}`);
  slackPrefix = p;
}

/** The slash command for one of the core's commands, e.g. "/attendance" or, with a prefix, "/camden-attendance". */
export function slackCommandName(command: SlackCommand, prefix: string = slackPrefix): string {
  return `/${prefix}${command}`;
}

/**
 * How a person types a command on their platform, for help, hints and error messages: Slack users type slash
 * commands ("/attendance status"), Teams users the plain words ("attendance status", which also work in a Slack DM).
 * `words` is the command as the core reads it, e.g. "attendance status" or "admin pause <centre> until YYYY-MM-DD".
 */
export function commandText(platform: Platform, words: string): string {
  if (platform !== 'slack') return words;
  const [first = '', ...rest] = words.split(' ');
  if ((SLACK_COMMANDS as readonly string[]).includes(first)) return [slackCommandName(first as SlackCommand), ...rest].join(' ');
  if (Object.hasOwn(TYPED_AFTER, first)) return [slackCommandName(TYPED_AFTER[first]!), first, ...rest].join(' ');
  return words;
}
