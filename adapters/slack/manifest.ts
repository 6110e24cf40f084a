import { slackCommandName, type SlackCommand } from '../../src/shared/commands.js';

/**
 * The Slack app manifest, generated so the slash command names always match SLACK_COMMAND_PREFIX and the scopes match
 * what the adapter calls. `npm run -s cli -- slack-manifest` prints it; manifest/slack/*.json are this output for the
 * default names (a test keeps them equal).
 */
export interface ManifestOptions {
  /** Public HTTPS address of the server, e.g. https://bot.camden.example. Default: the placeholder https://YOUR-HOST. */
  host?: string;
  /** Socket Mode: no request URLs (the server opens the connection). */
  socketMode?: boolean;
  /** SLACK_COMMAND_PREFIX. */
  commandPrefix?: string;
}

/** Bot scopes, each for what the adapter does with it. */
export const BOT_SCOPES: Record<string, string> = {
  'app_mentions:read': 'answer @mentions in channels',
  'channels:read': 'check that a public digest channel exists and the bot can post there (doctor, digest-channel add)',
  'chat:write': 'answers, reminders and digests',
  'chat:write.public': '"Share in channel" and digests in public channels the bot has not been invited to',
  commands: 'the slash commands',
  'files:write': 'the digest chart',
  'groups:read': 'check private digest channels the bot was invited to',
  'im:history': 'read direct messages to the bot',
  'im:write': 'open a direct message for reminders and digests',
  'reactions:write': 'the :eyes: reaction while it works',
  'users:read': 'look up who wrote (users.info)',
  'users:read.email': "link people to the directory by their email (users.info, users.lookupByEmail)",
};

const COMMANDS: Record<SlackCommand, { description: string; usage_hint?: string; should_escape: boolean }> = {
  ask: {
    description: 'Ask a question about post-16, CPD or SEND; answered from the strategy documents with sources',
    usage_hint: 'What is Camden Career Club?',
    should_escape: false,
  },
  attendance: {
    description: "Submit this week's Opportunity Centre return (form, quick form or status)",
    usage_hint: '[status | sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 ...]',
    // Escaped, so a channel picked from the list arrives with its id ("admin digest-channel add #network-leads").
    should_escape: true,
  },
  digest: { description: 'The latest weekly digest (network leads)', should_escape: false },
};

export const PLACEHOLDER_HOST = 'https://YOUR-HOST';

export function slackManifest(opts: ManifestOptions = {}): Record<string, unknown> {
  const host = (opts.host ?? PLACEHOLDER_HOST).replace(/\/+$/, '');
  const events = `${host}/slack/events`;
  const http = !opts.socketMode;
  const attendance = slackCommandName('attendance', opts.commandPrefix ?? '');
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'Camden staff bot',
      description: "Cited answers from Camden's strategy documents, weekly Opportunity Centre returns, reminders and digests.",
      background_color: '#1d4f91',
      long_description:
        "Ask about post-16 pathways, CPD offers and SEND guidance and get answers with numbered sources from Camden's Education Strategy and related reports; the bot says plainly when the documents do not cover a question. " +
        `Opportunity Centre leads submit each week's attendance return with ${attendance} (a form or a one-line quick form), and network leads get a weekly digest.`,
    },
    features: {
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: 'Camden staff bot', always_online: true },
      slash_commands: (Object.keys(COMMANDS) as SlackCommand[]).map((c) => ({
        command: slackCommandName(c, opts.commandPrefix ?? ''),
        ...(http ? { url: events } : {}),
        description: COMMANDS[c].description,
        ...(COMMANDS[c].usage_hint ? { usage_hint: COMMANDS[c].usage_hint } : {}),
        should_escape: COMMANDS[c].should_escape,
      })),
    },
    oauth_config: { scopes: { bot: Object.keys(BOT_SCOPES).sort() } },
    settings: {
      event_subscriptions: {
        ...(http ? { request_url: events } : {}),
        bot_events: ['app_home_opened', 'app_mention', 'message.im'],
      },
      interactivity: { is_enabled: true, ...(http ? { request_url: events } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: !http,
      token_rotation_enabled: false,
    },
  };
}
