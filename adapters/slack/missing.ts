import type { Config } from '../../src/config.js';

/**
 * Which variables switch Slack on, for the startup log; empty when Slack is configured. Apart from index.ts (which
 * loads Bolt), so the composition root can decide without loading the Slack stack.
 */
export function slackMissing(config: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN'>): string[] {
  if (config.SLACK_BOT_TOKEN && (config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN)) return [];
  const missing = [];
  if (!config.SLACK_BOT_TOKEN) missing.push('SLACK_BOT_TOKEN');
  if (!config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN) missing.push('SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)');
  return missing;
}
