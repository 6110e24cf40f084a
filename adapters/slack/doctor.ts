import { webApi } from '@slack/bolt';
import type { Config } from '../../src/config.js';
import type { DoctorCheck, DoctorSection } from '../../src/shared/doctor.js';
import { apiUrl } from './index.js';
import { slackMissing } from './missing.js';
import { BOT_SCOPES } from './manifest.js';
import { slackErrorInfo } from './post.js';
import { checkSlackChannel } from './profiles.js';

export type SlackDoctorConfig = Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'SLACK_COMMAND_PREFIX'>;

const MANIFEST_FIX =
  'paste the current manifest (npm run -s cli -- slack-manifest --host https://YOUR-HOST) in api.slack.com/apps > your app > App Manifest, ' +
  'then OAuth & Permissions > Reinstall to Workspace (the bot token stays the same)';

const TOKEN_ERRORS: Record<string, string> = {
  invalid_auth: 'Slack does not know this token',
  not_authed: 'no token was sent',
  account_inactive: 'the app or its bot user was deactivated',
  token_revoked: 'the token was revoked (the app was uninstalled or reinstalled)',
  token_expired: 'the token expired (token rotation is on; this bot needs it off)',
};

/**
 * Slack's part of the first-run check: what is configured, whether the bot token works (auth.test) and has every
 * scope the manifest asks for, whether the app-level token opens a Socket Mode connection, and whether the bot can
 * post in each digest channel. Each problem says how to fix it.
 */
export async function slackDoctor(config: SlackDoctorConfig, opts: { digestChannels: string[]; timeoutMs?: number }): Promise<DoctorSection> {
  const checks: DoctorCheck[] = [];
  const missing = slackMissing(config);
  if (missing.length) {
    checks.push({
      name: 'configured',
      ok: null,
      detail: `Slack is off (${missing.join(' and ')} not set)`,
      fix: 'to use Slack, follow README "Connecting Slack"',
    });
    return { title: 'Slack', checks };
  }
  const mode = config.SLACK_APP_TOKEN ? 'Socket Mode' : 'HTTP mode (POST /slack/events)';
  checks.push({ name: 'configured', ok: true, detail: `${mode}; slash commands /${config.SLACK_COMMAND_PREFIX ?? ''}ask, /${config.SLACK_COMMAND_PREFIX ?? ''}attendance, /${config.SLACK_COMMAND_PREFIX ?? ''}digest` });
  const client = new webApi.WebClient(config.SLACK_BOT_TOKEN, {
    slackApiUrl: apiUrl(config.SLACK_API_URL),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: opts.timeoutMs ?? 10_000,
  });
  try {
    const who = await client.auth.test();
    checks.push({ name: 'bot token', ok: true, detail: `works: workspace ${who.team ?? '?'} (${who.team_id ?? '?'}), bot user ${who.user ?? '?'} (${who.user_id ?? '?'})` });
    const granted = new Set(who.response_metadata?.scopes ?? []);
    const lacking = Object.keys(BOT_SCOPES).filter((s) => !granted.has(s));
    checks.push(
      lacking.length
        ? { name: 'scopes', ok: false, detail: `missing ${lacking.map((s) => `${s} (${BOT_SCOPES[s]})`).join('; ')}`, fix: MANIFEST_FIX }
        : { name: 'scopes', ok: true, detail: `all ${Object.keys(BOT_SCOPES).length} the manifest asks for` },
    );
  } catch (err) {
    const info = slackErrorInfo(err);
    const why = info.error ? (TOKEN_ERRORS[info.error] ?? `Slack answered ${info.error}`) : `Slack could not be reached (${(err as Error).message})`;
    checks.push({
      name: 'bot token',
      ok: false,
      detail: `auth.test failed: ${why}`,
      fix: info.error
        ? 'copy the Bot User OAuth Token (xoxb-…) from api.slack.com/apps > your app > OAuth & Permissions into SLACK_BOT_TOKEN (install the app first if there is none)'
        : 'check that this machine can reach slack.com (proxy, firewall), or SLACK_API_URL',
    });
    return { title: 'Slack', checks };
  }
  if (config.SLACK_APP_TOKEN) {
    try {
      await new webApi.WebClient(config.SLACK_APP_TOKEN, { slackApiUrl: apiUrl(config.SLACK_API_URL), retryConfig: { retries: 0 }, timeout: opts.timeoutMs ?? 10_000 }).apps.connections.open();
      checks.push({ name: 'app-level token', ok: true, detail: 'opens a Socket Mode connection' });
    } catch (err) {
      const info = slackErrorInfo(err);
      checks.push({
        name: 'app-level token',
        ok: false,
        detail: `apps.connections.open failed: ${info.error ?? (err as Error).message}`,
        fix: 'Basic Information > App-Level Tokens: generate a token with connections:write and put it (xapp-…) in SLACK_APP_TOKEN; Socket Mode must be on (the socket-mode manifest turns it on)',
      });
    }
  } else {
    checks.push({
      name: 'signing secret',
      ok: null,
      detail: 'checked on every request Slack sends (a wrong one gets 401, logged)',
      fix: 'if Slack says your URL did not respond or requests fail with 401, copy Basic Information > App Credentials > Signing Secret into SLACK_SIGNING_SECRET',
    });
  }
  if (!opts.digestChannels.length) {
    checks.push({ name: 'digest channels', ok: null, detail: 'none (network leads get the digest by direct message)', fix: 'to post it in a channel too: /attendance admin digest-channel add #channel' });
  }
  for (const id of opts.digestChannels) {
    const c = await checkSlackChannel(client, id);
    checks.push({
      name: `digest channel ${c.name ? `#${c.name} ` : ''}(${id})`,
      ok: c.ok,
      detail: c.ok ? 'the bot can post there' : (c.problem ?? 'not checked'),
      ...(c.ok ? {} : c.fix ? { fix: c.fix } : {}),
    });
  }
  return { title: 'Slack', checks };
}
