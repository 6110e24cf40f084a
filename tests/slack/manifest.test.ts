import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slackManifest } from '../../adapters/slack/manifest.js';

const http = JSON.parse(readFileSync('manifest/slack/manifest.json', 'utf8'));
const socket = JSON.parse(readFileSync('manifest/slack/manifest.socket-mode.json', 'utf8'));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [readFileSync(p, 'utf8')] : [];
  });
}

/** Scopes each Web API call, command or event the adapter uses needs. */
const NEEDS: [RegExp, string][] = [
  [/chat\.post(Message|Ephemeral)\(/, 'chat:write'],
  [/conversations\.open\(/, 'im:write'],
  [/reactions\.(add|remove)\(/, 'reactions:write'],
  [/filesUploadV2\(/, 'files:write'],
  [/app\.command\(/, 'commands'],
  [/app\.event\('app_mention'/, 'app_mentions:read'],
  [/app\.message\(/, 'im:history'],
  [/users\.info\(/, 'users:read'],
  [/users\.(info|lookupByEmail)\(/, 'users:read.email'],
  [/conversations\.info\(/, 'channels:read'],
  [/conversations\.info\(/, 'groups:read'],
  // Digests and "Share in channel" post to public channels the bot may not have been invited to.
  [/postToChannel\(|share_answer/, 'chat:write.public'],
];

describe('Slack manifest', () => {
  it('declares the bot user, the three commands, the events and interactivity', () => {
    expect(http.features.bot_user.display_name).toBeTruthy();
    expect(http.features.slash_commands.map((c: any) => c.command).sort()).toEqual(['/ask', '/attendance', '/digest']);
    expect(http.settings.event_subscriptions.bot_events.sort()).toEqual(['app_home_opened', 'app_mention', 'message.im']);
    expect(http.settings.interactivity.is_enabled).toBe(true);
    expect(http.features.app_home.home_tab_enabled).toBe(true);
    for (const url of [http.settings.event_subscriptions.request_url, http.settings.interactivity.request_url, ...http.features.slash_commands.map((c: any) => c.url)]) {
      expect(url).toBe('https://YOUR-HOST/slack/events');
    }
  });

  it('asks only for the scopes the code uses', () => {
    const code = sources('adapters/slack').join('\n');
    const needed = new Set(NEEDS.filter(([re]) => re.test(code)).map(([, scope]) => scope));
    expect(new Set(http.oauth_config.scopes.bot)).toEqual(needed);
  });

  it('the committed manifests are what slack-manifest generates for the default command names', () => {
    expect(slackManifest()).toEqual(http);
    expect(slackManifest({ socketMode: true })).toEqual(socket);
  });

  it('SLACK_COMMAND_PREFIX renames every slash command and the host fills every request URL', () => {
    const m = slackManifest({ host: 'https://bot.camden.example/', commandPrefix: 'camden-' }) as any;
    expect(m.features.slash_commands.map((c: any) => c.command)).toEqual(['/camden-ask', '/camden-attendance', '/camden-digest']);
    expect(JSON.stringify(m)).not.toContain('YOUR-HOST');
    for (const url of [m.settings.event_subscriptions.request_url, m.settings.interactivity.request_url, ...m.features.slash_commands.map((c: any) => c.url)]) {
      expect(url).toBe('https://bot.camden.example/slack/events');
    }
    expect(m.features.slash_commands.every((c: any) => c.command.length <= 32)).toBe(true);
  });

  it('has a Socket Mode variant without request URLs and otherwise the same app', () => {
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(http.settings.socket_mode_enabled).toBe(false);
    expect(JSON.stringify(socket)).not.toContain('YOUR-HOST');
    expect(socket.oauth_config).toEqual(http.oauth_config);
    expect(socket.settings.event_subscriptions.bot_events).toEqual(http.settings.event_subscriptions.bot_events);
    expect(socket.features.slash_commands.map((c: any) => c.command)).toEqual(http.features.slash_commands.map((c: any) => c.command));
  });
});
