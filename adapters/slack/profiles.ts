import type { webApi } from '@slack/bolt';
import type { AccountDirectory, ChannelCheck } from '../../src/bot/admin.js';
import type { PlatformProfile, ProfileLookup } from '../../src/directory/linking.js';
import type { Logger } from '../../src/logger.js';
import { slackErrorInfo } from './post.js';

/** Slack's directory of workspace members, for linking people to the bot's directory by email. */
export interface SlackProfiles {
  /** The core's lookup for one user: users.info's email (needs users:read and users:read.email). */
  lookup(user: string): ProfileLookup;
  /** Find accounts by email (users.lookupByEmail) and check digest channels (conversations.info). */
  readonly accounts: AccountDirectory;
}

export interface SlackProfilesOptions {
  /** How long users.info answers are reused (ms). Default 10 minutes: an unknown teacher is not looked up per message. */
  ttlMs?: number;
  /** Most users remembered at once. */
  maxEntries?: number;
}

const REINSTALL = 'reinstall the Slack app with the current manifest (manifest/slack/) so it has the scope';

/**
 * users.info, users.lookupByEmail and conversations.info over the bot's Web API client. Answers for users are cached
 * briefly (a missing email is cached too), so plain staff asking questions cost at most one lookup in ten minutes.
 */
export function createSlackProfiles(client: webApi.WebClient, logger: Logger, opts: SlackProfilesOptions = {}): SlackProfiles {
  const ttl = opts.ttlMs ?? 10 * 60_000;
  const max = opts.maxEntries ?? 5_000;
  const cache = new Map<string, { at: number; profile: Promise<PlatformProfile | null> }>();
  let warnedScope = false;

  const warnScope = (scope: string) => {
    if (warnedScope) return;
    warnedScope = true;
    logger.warn({ scope }, `Slack: the app lacks the ${scope} scope, so people cannot be linked to the directory by email; ${REINSTALL}`);
  };

  async function fetchProfile(user: string): Promise<PlatformProfile | null> {
    try {
      const r = await client.users.info({ user });
      const u = r.user;
      if (!u || u.deleted || u.is_bot) return null;
      const email = u.profile?.email;
      if (!email) warnScope('users:read.email');
      return { emails: email ? [email] : [], name: u.real_name || u.profile?.real_name || null };
    } catch (err) {
      const info = slackErrorInfo(err);
      if (info.error === 'missing_scope') {
        warnScope('users:read');
        return null;
      }
      if (info.error === 'user_not_found') return null;
      throw err;
    }
  }

  function lookup(user: string): ProfileLookup {
    return () => {
      const now = Date.now();
      const hit = cache.get(user);
      if (hit && now - hit.at < ttl) return hit.profile;
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      const profile = fetchProfile(user);
      cache.set(user, { at: now, profile });
      // A failed lookup (network, Slack down) is not remembered: the next message asks again.
      profile.catch(() => cache.delete(user));
      return profile;
    };
  }

  const accounts: AccountDirectory = {
    platform: 'slack',
    async findByEmail(email) {
      try {
        const r = await client.users.lookupByEmail({ email });
        const u = r.user;
        if (!u?.id || u.deleted || u.is_bot) return { status: 'not-found' };
        return { status: 'found', identity: { platform: 'slack', user: u.id, team: u.team_id ?? '' }, name: u.real_name || u.profile?.real_name || null };
      } catch (err) {
        const info = slackErrorInfo(err);
        if (info.error === 'users_not_found') return { status: 'not-found' };
        if (info.error === 'missing_scope') return { status: 'error', message: `the Slack app lacks the users:read.email scope; ${REINSTALL}` };
        return { status: 'error', message: `Slack answered ${info.error ?? info.kind}` };
      }
    },
    checkChannel: (channelId) => checkSlackChannel(client, channelId),
  };

  return { lookup, accounts };
}

/** Whether the bot can post in a Slack channel, and if not, why and what to do. */
export async function checkSlackChannel(client: webApi.WebClient, channelId: string): Promise<ChannelCheck> {
  try {
    const r = await client.conversations.info({ channel: channelId });
    const c = r.channel;
    const scopes = r.response_metadata?.scopes ?? [];
    const name = c?.name ?? null;
    if (c?.is_archived) return { ok: false, name, problem: `#${name ?? channelId} is archived`, fix: 'Unarchive it, or choose another channel.' };
    if (c?.is_member) return { ok: true, name };
    if (!c?.is_private && scopes.includes('chat:write.public')) return { ok: true, name };
    return {
      ok: false,
      name,
      problem: `I am not a member of #${name ?? channelId}`,
      fix: `Invite me there: /invite @${'Camden staff bot'} in the channel${c?.is_private ? '' : `, or ${REINSTALL} chat:write.public`}.`,
    };
  } catch (err) {
    const info = slackErrorInfo(err);
    if (info.error === 'channel_not_found') {
      return { ok: false, problem: `channel ${channelId} does not exist, or it is private and I am not in it`, fix: 'Invite me there: /invite @Camden staff bot in the channel.' };
    }
    if (info.error === 'missing_scope') return { ok: null, problem: 'I cannot check channels: the app lacks channels:read / groups:read', fix: `${REINSTALL}s.` };
    return { ok: null, problem: `Slack answered ${info.error ?? info.kind}` };
  }
}
